// `npm run db:seed`: stocks the example catalogue.
import { seedStock } from './stock.seed.js';
import { ShopDatabase } from './shop-database.js';

async function main(): Promise<void> {
  const shop = new ShopDatabase({ url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/switchyard', poolSize: 1 });
  try {
    const added = await seedStock(shop);
    console.log(added ? `stocked ${added} SKUs` : 'catalogue already stocked');
  } finally {
    await shop.$disconnect();
  }
}

main().catch((error: Error) => {
  console.error(`db:seed failed: ${error.message}`);
  process.exit(1);
});
