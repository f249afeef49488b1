import type { ShopDatabase } from './shop-database.js';

/** The example catalogue, stocked generously so demos and load tests do not run out. */
export const SEED_STOCK = [
  { sku: 'SKU-RED-MUG', name: 'Red mug', available: 1_000_000 },
  { sku: 'SKU-BLUE-TEE', name: 'Blue T-shirt', available: 1_000_000 },
  { sku: 'SKU-GREEN-HOODIE', name: 'Green hoodie', available: 500_000 },
  { sku: 'SKU-BLACK-CAP', name: 'Black cap', available: 500_000 },
  { sku: 'SKU-WHITE-SOCKS', name: 'White socks (3 pairs)', available: 2_000_000 },
  { sku: 'SKU-LAST-ONE', name: 'Limited print (last one)', available: 1 },
];

/** Inserts the catalogue items that are missing; existing stock levels are left alone. */
export async function seedStock(prisma: Pick<ShopDatabase, 'stockItem'>): Promise<number> {
  const { count } = await prisma.stockItem.createMany({ data: SEED_STOCK, skipDuplicates: true });
  return count;
}
