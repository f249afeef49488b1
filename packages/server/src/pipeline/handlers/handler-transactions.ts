/**
 * Provides the handlers' transactions adapter the app gave
 * (SwitchyardModuleOptions.transactions), or null: handlers then write to
 * Switchyard's own database through its pool.
 */
export const HANDLER_TRANSACTIONS = Symbol('HANDLER_TRANSACTIONS');
