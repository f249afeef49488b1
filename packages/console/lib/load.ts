import { notFound } from 'next/navigation';
import { ApiError } from './api';

export type Loaded<T> = { ok: true; data: T } | { ok: false; error: string };

/**
 * Runs a page's API reads. A 404 becomes the not-found page; any other
 * problem becomes an error state the page renders itself (production builds
 * hide thrown messages, and "the API is down" is worth saying plainly).
 */
export async function load<T>(work: () => Promise<T>): Promise<Loaded<T>> {
  try {
    return { ok: true, data: await work() };
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) notFound();
    return { ok: false, error: error instanceof ApiError ? error.message : `Unexpected error: ${(error as Error).message}` };
  }
}
