// Placeholder so the `./wal` entry builds; the WAL (issue 11) is built here by its own work.
export {};
