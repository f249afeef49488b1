import { SEED_STOCK } from '@switchyard/example-shop';
import { resetDatabase, testDatabaseUrl } from '@switchyard/testing';

/** Empties the test database and stocks the example catalogue, as `npm run db:seed` does. */
export function resetWithCatalogue(url = testDatabaseUrl()): Promise<void> {
  return resetDatabase(url, { 'shop.stock_items': SEED_STOCK });
}
