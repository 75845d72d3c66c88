package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CopyResult counts the rows of each table a copy moved.
type CopyResult struct {
	Tables []TableCount // in the order copied
}

// TableCount is one table's row count in the source and the target.
type TableCount struct {
	Table          string
	Source, Target int64
}

// copyBatch is how many rows one INSERT carries.
const copyBatch = 200

// CopySQLiteToPostgres moves an agency from the embedded default to
// PostgreSQL: every row of every table (stories, versions, the change log,
// users, sessions, subscribers, deliveries, memory, glossary and whatever
// later migrations add), in one PostgreSQL transaction, keeping ids, and
// then moves each identity sequence past the largest id. Both stores must
// be at the same schema version and the target must hold no stories,
// users, subscribers or memory (ErrConflict), so a copy never mixes two
// agencies or overwrites one. Afterwards the row
// count of every table is compared; a difference is an error.
//
// Tables are taken in the order SQLite created them, which is the order
// the migrations made them and so satisfies every foreign key.
func CopySQLiteToPostgres(ctx context.Context, from, to *DB, progress func(table string, rows int64)) (CopyResult, error) {
	var res CopyResult
	if from.d.name() != "sqlite" || to.d.name() != "postgres" {
		return res, errors.New("store: copy: from must be SQLite and to PostgreSQL")
	}
	fv, err := from.SchemaVersion(ctx)
	if err != nil {
		return res, fmt.Errorf("store: copy: %w", err)
	}
	tv, err := to.SchemaVersion(ctx)
	if err != nil {
		return res, fmt.Errorf("store: copy: %w", err)
	}
	if fv != tv {
		return res, fmt.Errorf("store: copy: source schema %d, target %d: upgrade both with this version of qasid first", fv, tv)
	}
	// An agency's own rows: a target holding any of them is in use.
	for _, t := range []string{"stories", "users", "subscribers", "tm_units"} {
		var n int64
		if err := to.read().queryRow(ctx, `SELECT COUNT(*) FROM `+t).Scan(&n); err != nil {
			return res, fmt.Errorf("store: copy: %w", err)
		}
		if n > 0 {
			return res, fmt.Errorf("store: copy: the target already holds %d rows in %s: %w", n, t, ErrConflict)
		}
	}
	tables, err := sqliteTables(ctx, from)
	if err != nil {
		return res, err
	}

	tx, err := to.writer.BeginTx(ctx, nil)
	if err != nil {
		return res, fmt.Errorf("store: copy: %w", err)
	}
	defer tx.Rollback()
	// The migrations seeded some rows (the agency, the sections): the
	// source's take their place.
	for i := len(tables) - 1; i >= 0; i-- {
		if _, err := tx.ExecContext(ctx, "DELETE FROM "+quoteIdent(tables[i])); err != nil {
			return res, fmt.Errorf("store: copy: empty %s: %w", tables[i], err)
		}
	}
	for _, t := range tables {
		rows, err := copyTable(ctx, from, tx, t, progress)
		if err != nil {
			return res, fmt.Errorf("store: copy %s: %w", t, err)
		}
		res.Tables = append(res.Tables, TableCount{Table: t, Source: rows})
	}
	if err := resetSequences(ctx, tx, tables); err != nil {
		return res, err
	}
	for i, t := range tables {
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+quoteIdent(t)).Scan(&res.Tables[i].Target); err != nil {
			return res, fmt.Errorf("store: copy: count %s: %w", t, err)
		}
		if res.Tables[i].Target != res.Tables[i].Source {
			return res, fmt.Errorf("store: copy: %s has %d rows in the source but %d in the target", t, res.Tables[i].Source, res.Tables[i].Target)
		}
	}
	if err := tx.Commit(); err != nil {
		return res, fmt.Errorf("store: copy: commit: %w", err)
	}
	// Another count, after commit, from outside the transaction.
	for _, tc := range res.Tables {
		var got int64
		if err := to.read().queryRow(ctx, "SELECT COUNT(*) FROM "+quoteIdent(tc.Table)).Scan(&got); err != nil {
			return res, fmt.Errorf("store: copy: verify %s: %w", tc.Table, err)
		}
		if got != tc.Source {
			return res, fmt.Errorf("store: copy: verify: %s has %d rows, want %d", tc.Table, got, tc.Source)
		}
	}
	return res, nil
}

// sqliteTables lists the source's tables in creation order, without
// SQLite's own and the migrations' bookkeeping (the target keeps its own).
func sqliteTables(ctx context.Context, db *DB) ([]string, error) {
	rows, err := db.read().query(ctx, `
		SELECT name FROM sqlite_master
		WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'
		ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("store: copy: list tables: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, err
		}
		out = append(out, name)
	}
	return out, rows.Err()
}

// pgColumn is a target column and how to convert a SQLite value for it.
type pgColumn struct {
	name, typ string
}

func copyTable(ctx context.Context, from *DB, tx *sql.Tx, table string, progress func(string, int64)) (int64, error) {
	cols, err := targetColumns(ctx, tx, table)
	if err != nil {
		return 0, err
	}
	if len(cols) == 0 {
		return 0, fmt.Errorf("the target has no table %s: is it at the same schema version?", table)
	}
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = quoteIdent(c.name)
	}
	rows, err := from.reader.QueryContext(ctx, "SELECT "+strings.Join(names, ", ")+" FROM "+quoteIdent(table))
	if err != nil {
		return 0, fmt.Errorf("read: %w (does the source have every column of the target?)", err)
	}
	defer rows.Close()
	var (
		batch [][]any
		total int64
	)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		var b strings.Builder
		b.WriteString("INSERT INTO " + quoteIdent(table) + " (" + strings.Join(names, ", ") + ") OVERRIDING SYSTEM VALUE VALUES ")
		args := make([]any, 0, len(batch)*len(cols))
		for i, row := range batch {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteByte('(')
			for j := range row {
				if j > 0 {
					b.WriteString(", ")
				}
				b.WriteString("$" + strconv.Itoa(len(args)+1))
				args = append(args, row[j])
			}
			b.WriteByte(')')
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return fmt.Errorf("write: %w", err)
		}
		total += int64(len(batch))
		if progress != nil {
			progress(table, total)
		}
		batch = batch[:0]
		return nil
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return total, fmt.Errorf("read: %w", err)
		}
		for i, c := range cols {
			v, err := convertForPostgres(vals[i], c.typ)
			if err != nil {
				return total, fmt.Errorf("column %s: %w", c.name, err)
			}
			vals[i] = v
		}
		batch = append(batch, vals)
		if len(batch) == copyBatch {
			if err := flush(); err != nil {
				return total, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return total, fmt.Errorf("read: %w", err)
	}
	return total, flush()
}

func targetColumns(ctx context.Context, tx *sql.Tx, table string) ([]pgColumn, error) {
	rows, err := tx.QueryContext(ctx, `
		SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 AND is_generated = 'NEVER'
		ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, fmt.Errorf("columns: %w", err)
	}
	defer rows.Close()
	var out []pgColumn
	for rows.Next() {
		var c pgColumn
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// convertForPostgres turns a value as SQLite keeps it into what the
// PostgreSQL column takes: times are TEXT in SQLite, booleans 0 and 1.
func convertForPostgres(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	if b, ok := v.([]byte); ok && typ != "bytea" {
		v = string(b)
	}
	switch typ {
	case "boolean":
		switch x := v.(type) {
		case int64:
			return x != 0, nil
		case bool:
			return x, nil
		case string:
			return x == "1" || strings.EqualFold(x, "true"), nil
		}
	case "timestamp with time zone", "timestamp without time zone":
		switch x := v.(type) {
		case string:
			t, err := time.Parse(time.RFC3339Nano, x)
			if err != nil {
				return nil, fmt.Errorf("time %q: %w", x, err)
			}
			return t.UTC(), nil
		case time.Time:
			return x.UTC(), nil
		}
	case "bytea":
		if s, ok := v.(string); ok {
			return []byte(s), nil
		}
		return v, nil
	default:
		return v, nil
	}
	return nil, fmt.Errorf("cannot convert %T for a %s column", v, typ)
}

// resetSequences moves every identity or serial sequence of the copied
// tables past the largest value copied, so the next insert gets a new id.
func resetSequences(ctx context.Context, tx *sql.Tx, tables []string) error {
	for _, t := range tables {
		rows, err := tx.QueryContext(ctx, `
			SELECT column_name FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1
			  AND (is_identity = 'YES' OR column_default LIKE 'nextval(%')`, t)
		if err != nil {
			return fmt.Errorf("store: copy: sequences of %s: %w", t, err)
		}
		var cols []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				rows.Close()
				return err
			}
			cols = append(cols, c)
		}
		rows.Close()
		for _, c := range cols {
			q := fmt.Sprintf(`SELECT setval(pg_get_serial_sequence($1, $2), COALESCE(MAX(%s), 0) + 1, false) FROM %s`, quoteIdent(c), quoteIdent(t))
			if _, err := tx.ExecContext(ctx, q, t, c); err != nil {
				return fmt.Errorf("store: copy: sequence of %s.%s: %w", t, c, err)
			}
		}
	}
	return nil
}

// quoteIdent quotes a table or column name that came from the database's
// own catalog.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
