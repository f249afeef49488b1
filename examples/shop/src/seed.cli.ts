// `npm run db:seed`: stocks the example catalogue.
import { PrismaService } from '@switchyard/server/internal';
import { seedStock } from './stock.seed.js';

async function main(): Promise<void> {
  const prisma = new PrismaService({ url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/switchyard', poolSize: 1 });
  try {
    const added = await seedStock(prisma);
    console.log(added ? `stocked ${added} SKUs` : 'catalogue already stocked');
  } finally {
    await prisma.$disconnect();
  }
}

main().catch((error: Error) => {
  console.error(`db:seed failed: ${error.message}`);
  process.exit(1);
});
