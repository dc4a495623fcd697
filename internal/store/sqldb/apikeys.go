package sqldb

import (
	"context"
	"encoding/json"
	"strconv"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

const apiKeyCols = "id, customer_id, label, key_hash, scope, service_ids, source_prefixes, expires_at, created_at, last_used_at"

// APIKeyCreate implements store.Store. The customer's credentials change
// is logged (store.ChangeCredentials) in the same transaction.
func (db *DB) APIKeyCreate(ctx context.Context, k *store.APIKey) error {
	scope, _ := json.Marshal(nonNil(k.Scope))
	ids, _ := json.Marshal(nonNil(k.ServiceIDs))
	prefixes, _ := json.Marshal(nonNil(k.SourcePrefixes))
	var id int64
	err := db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		var one int
		if err := t.tx.QueryRowContext(ctx, "SELECT 1 FROM customers WHERE id = $1", k.CustomerID).Scan(&one); err != nil {
			return t.interpretError(err)
		}
		if err := t.tx.QueryRowContext(ctx, "INSERT INTO api_keys (customer_id, label, key_hash, scope, service_ids, source_prefixes, expires_at, created_at, last_used_at)"+
			" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 0) RETURNING id",
			k.CustomerID, k.Label, k.Hash, string(scope), string(ids), string(prefixes), k.ExpiresAt, k.CreatedAt).Scan(&id); err != nil {
			return t.interpretError(err)
		}
		return t.ChangeLog(ctx, store.ChangeCredentials, strconv.FormatInt(k.CustomerID, 10))
	})
	if err == nil {
		k.ID = id
		k.LastUsedAt = 0
	}
	return err
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// APIKeyList implements store.Store.
func (db *DB) APIKeyList(ctx context.Context, customerID int64) ([]store.APIKey, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+apiKeyCols+" FROM api_keys WHERE customer_id = $1 ORDER BY id", customerID)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.APIKey
	for rows.Next() {
		var k store.APIKey
		var scope, ids, prefixes string
		if err := rows.Scan(&k.ID, &k.CustomerID, &k.Label, &k.Hash, &scope, &ids, &prefixes, &k.ExpiresAt, &k.CreatedAt, &k.LastUsedAt); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(scope), &k.Scope); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(ids), &k.ServiceIDs); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(prefixes), &k.SourcePrefixes); err != nil {
			return nil, err
		}
		list = append(list, k)
	}
	return list, db.interpretError(rows.Err())
}

// APIKeyDelete implements store.Store. The customer's credentials change
// is logged (store.ChangeCredentials) in the same transaction.
func (db *DB) APIKeyDelete(ctx context.Context, customerID, id int64) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		res, err := t.tx.ExecContext(ctx, "DELETE FROM api_keys WHERE id = $1 AND customer_id = $2", id, customerID)
		if err := affected(res, err); err != nil {
			return t.interpretError(err)
		}
		return t.ChangeLog(ctx, store.ChangeCredentials, strconv.FormatInt(customerID, 10))
	})
}

// APIKeyTouch implements store.Store.
func (db *DB) APIKeyTouch(ctx context.Context, customerID, id, at int64) error {
	_, err := db.writer().ExecContext(ctx, "UPDATE api_keys SET last_used_at = $3 WHERE id = $1 AND customer_id = $2 AND last_used_at < $3", id, customerID, at)
	return db.interpretError(err)
}
