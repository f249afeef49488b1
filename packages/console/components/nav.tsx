'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const LINKS = [
  { href: '/', label: 'Overview' },
  { href: '/queues', label: 'Queues' },
  { href: '/events', label: 'Events' },
  { href: '/dead-letters', label: 'Dead letters' },
  { href: '/schedules', label: 'Schedules' },
];

export function Nav({ admin = false }: { admin?: boolean }) {
  const path = usePathname();
  const links = admin ? [...LINKS, { href: '/users', label: 'Users' }, { href: '/keys', label: 'Keys' }] : LINKS;
  return (
    <>
      {links.map((link) => {
        const active = link.href === '/' ? path === '/' : path.startsWith(link.href);
        return (
          <Link key={link.href} href={link.href} aria-current={active ? 'page' : undefined}>
            {link.label}
          </Link>
        );
      })}
    </>
  );
}
