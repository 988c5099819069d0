// Column shapes shared by the tables: how pg reads and writes timestamps, jsonb and nullable columns.
import type { ColumnType } from 'kysely';

/** Read as a Date; written as a Date or an ISO string; defaulted by the database when not given. */
export type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** jsonb: pg serialises objects on the way in and parses them on the way out. */
export type Jsonb<T> = ColumnType<T, T, T>;

/** Nullable column that may be left out of an insert. */
export type Nullable<T> = ColumnType<T | null, T | null | undefined, T | null>;

export type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
