/** The extension id that follows from the manifest `key` in wxt.config.ts (stable across machines). */
export const EXTENSION_ID = 'ekbkjpbnbeckoidcedncpjdbchagnhef';
