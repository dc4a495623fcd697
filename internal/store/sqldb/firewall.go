package sqldb

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The firewall part of the store (store.FirewallStore). A ruleset belongs
// to a customer when all its services do: the customer-scoped queries say
// so with ownedRuleset.

// ownedRuleset returns the condition that ruleset r.id has services and
// all of them belong to the customer given as the placeholder param ("$2").
func ownedRuleset(param string) string {
	return "EXISTS (SELECT 1 FROM firewall_ruleset_services fs WHERE fs.ruleset_id = r.id)" +
		" AND NOT EXISTS (SELECT 1 FROM firewall_ruleset_services fs JOIN services v ON v.id = fs.service_id" +
		" WHERE fs.ruleset_id = r.id AND v.customer_id <> " + param + ")"
}

const rulesetColumns = "r.id, r.enabled, r.max_rules, r.rules, r.confirm_deadline, r.rollback_rules"

// bumpGeneration raises the generation of a driver kind and logs the
// change (store.ChangeDriver) so that every node's reconciler of the kind
// hears of it at once. db is the transaction's store and q its
// transaction.
func (db *DB) bumpGeneration(ctx context.Context, q querier, kind string) error {
	if _, err := q.ExecContext(ctx, "UPDATE driver_generations SET gen = gen + 1 WHERE kind = $1", kind); err != nil {
		return db.interpretError(err)
	}
	return db.ChangeLog(ctx, store.ChangeDriver, kind)
}

// DriverGeneration implements store.Store.
func (db *DB) DriverGeneration(ctx context.Context, kind string) (int64, error) {
	var gen int64
	err := db.reader().QueryRowContext(ctx, "SELECT gen FROM driver_generations WHERE kind = $1", kind).Scan(&gen)
	return gen, db.interpretError(err)
}

// DriverAckSet implements store.Store.
func (db *DB) DriverAckSet(ctx context.Context, a store.DriverAck) error {
	_, err := db.writer().ExecContext(ctx, "INSERT INTO driver_acks (kind, node, gen, error, at) VALUES ($1, $2, $3, $4, $5)"+
		" ON CONFLICT (kind, node) DO UPDATE SET gen = excluded.gen, error = excluded.error, at = excluded.at",
		a.Kind, a.Node, a.Gen, a.Error, a.At)
	return db.interpretError(err)
}

// DriverAcks implements store.Store.
func (db *DB) DriverAcks(ctx context.Context, kind string) ([]store.DriverAck, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT kind, node, gen, error, at FROM driver_acks WHERE kind = $1 ORDER BY node", kind)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.DriverAck
	for rows.Next() {
		var a store.DriverAck
		if err := rows.Scan(&a.Kind, &a.Node, &a.Gen, &a.Error, &a.At); err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, db.interpretError(rows.Err())
}

// FirewallRulesetCreate implements store.Store.
func (db *DB) FirewallRulesetCreate(ctx context.Context, r store.FirewallRuleset) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		_, err := t.tx.ExecContext(ctx, "INSERT INTO firewall_rulesets (id, enabled, max_rules, rules, confirm_deadline, rollback_rules)"+
			" VALUES ($1, $2, $3, $4, $5, $6)", r.ID, r.Enabled, r.MaxRules, string(r.Rules), r.ConfirmDeadline, nullText(r.RollbackRules))
		if err != nil {
			return t.interpretError(err)
		}
		for _, id := range r.ServiceIDs {
			if _, err := t.tx.ExecContext(ctx, "INSERT INTO firewall_ruleset_services (service_id, ruleset_id) VALUES ($1, $2)", id, r.ID); err != nil {
				return t.interpretError(err)
			}
		}
		return t.bumpGeneration(ctx, t.tx, "firewall")
	})
}

// scanRulesets reads rows of rulesetColumns and then the services of each.
func (db *DB) scanRulesets(ctx context.Context, rows *sql.Rows) ([]store.FirewallRuleset, error) {
	defer rows.Close()
	var list []store.FirewallRuleset
	for rows.Next() {
		var r store.FirewallRuleset
		var rules string
		var rollback sql.NullString
		if err := rows.Scan(&r.ID, &r.Enabled, &r.MaxRules, &rules, &r.ConfirmDeadline, &rollback); err != nil {
			return nil, err
		}
		r.Rules = []byte(rules)
		if rollback.Valid {
			r.RollbackRules = []byte(rollback.String)
		}
		list = append(list, r)
	}
	if err := rows.Err(); err != nil {
		return nil, db.interpretError(err)
	}
	rows.Close()
	if len(list) == 0 {
		return list, nil
	}
	index := make(map[string]int, len(list))
	args := make([]any, len(list))
	marks := make([]string, len(list))
	for i, r := range list {
		index[r.ID] = i
		args[i] = r.ID
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	srows, err := db.reader().QueryContext(ctx, "SELECT ruleset_id, service_id FROM firewall_ruleset_services WHERE ruleset_id IN ("+
		strings.Join(marks, ", ")+") ORDER BY ruleset_id, service_id", args...)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer srows.Close()
	for srows.Next() {
		var rid string
		var sid int64
		if err := srows.Scan(&rid, &sid); err != nil {
			return nil, err
		}
		list[index[rid]].ServiceIDs = append(list[index[rid]].ServiceIDs, sid)
	}
	return list, db.interpretError(srows.Err())
}

// FirewallRulesetsAll implements store.Store.
func (db *DB) FirewallRulesetsAll(ctx context.Context) ([]store.FirewallRuleset, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+rulesetColumns+" FROM firewall_rulesets r ORDER BY r.id")
	if err != nil {
		return nil, db.interpretError(err)
	}
	return db.scanRulesets(ctx, rows)
}

// FirewallRulesetList implements store.Store.
func (db *DB) FirewallRulesetList(ctx context.Context, customerID int64) ([]store.FirewallRuleset, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+rulesetColumns+" FROM firewall_rulesets r WHERE "+
		ownedRuleset("$1")+" ORDER BY r.id", customerID)
	if err != nil {
		return nil, db.interpretError(err)
	}
	return db.scanRulesets(ctx, rows)
}

// FirewallRulesetGet implements store.Store.
func (db *DB) FirewallRulesetGet(ctx context.Context, customerID int64, id string) (store.FirewallRuleset, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+rulesetColumns+" FROM firewall_rulesets r WHERE r.id = $1 AND "+
		ownedRuleset("$2"), id, customerID)
	if err != nil {
		return store.FirewallRuleset{}, db.interpretError(err)
	}
	list, err := db.scanRulesets(ctx, rows)
	if err != nil {
		return store.FirewallRuleset{}, err
	}
	if len(list) == 0 {
		return store.FirewallRuleset{}, store.ErrNotFound
	}
	return list[0], nil
}

// FirewallRulesetUpdate implements store.Store.
func (db *DB) FirewallRulesetUpdate(ctx context.Context, customerID int64, r store.FirewallRuleset) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		res, err := t.tx.ExecContext(ctx, "UPDATE firewall_rulesets AS r SET enabled = $3, rules = $4, confirm_deadline = $5, rollback_rules = $6"+
			" WHERE r.id = $1 AND "+ownedRuleset("$2"),
			r.ID, customerID, r.Enabled, string(r.Rules), r.ConfirmDeadline, nullText(r.RollbackRules))
		if err := affected(res, err); err != nil {
			return t.interpretError(err)
		}
		return t.bumpGeneration(ctx, t.tx, "firewall")
	})
}

// FirewallRulesetRevert implements store.Store.
func (db *DB) FirewallRulesetRevert(ctx context.Context, id string, deadline int64) (bool, error) {
	return db.swapFirewall(ctx, "UPDATE firewall_rulesets SET rules = rollback_rules, rollback_rules = NULL, confirm_deadline = 0"+
		" WHERE id = $1 AND confirm_deadline = $2 AND $2 > 0 AND rollback_rules IS NOT NULL", id, deadline)
}

// swapFirewall runs a compare-and-swap UPDATE of the firewall's state and,
// when it changed a row, raises the firewall generation in the same
// transaction. It reports whether it changed a row.
func (db *DB) swapFirewall(ctx context.Context, query string, args ...any) (bool, error) {
	done := false
	err := db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		err := affected(t.tx.ExecContext(ctx, query, args...))
		if err == store.ErrNotFound {
			return nil
		}
		if err != nil {
			return t.interpretError(err)
		}
		done = true
		return t.bumpGeneration(ctx, t.tx, "firewall")
	})
	return done, err
}

// FirewallServices implements store.Store.
func (db *DB) FirewallServices(ctx context.Context) ([]store.Service, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+serviceCols+" FROM services WHERE id IN (SELECT service_id FROM firewall_ruleset_services) ORDER BY id")
	return db.scanServices(rows, err, nil)
}

const iloColumns = "service_id, customer_id, available, ip, access_ip, expires_at"

func scanILO(s scanner, a *store.ILOAccess) error {
	return s.Scan(&a.ServiceID, &a.CustomerID, &a.Available, &a.IP, &a.AccessIP, &a.ExpiresAt)
}

// ILOSet implements store.Store.
func (db *DB) ILOSet(ctx context.Context, a store.ILOAccess) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		var n int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM services WHERE id = $1 AND customer_id = $2", a.ServiceID, a.CustomerID).Scan(&n); err != nil {
			return t.interpretError(err)
		}
		if n == 0 {
			return store.ErrNotFound
		}
		if _, err := t.tx.ExecContext(ctx, "DELETE FROM ilo_access WHERE service_id = $1", a.ServiceID); err != nil {
			return t.interpretError(err)
		}
		if _, err := t.tx.ExecContext(ctx, "INSERT INTO ilo_access ("+iloColumns+") VALUES ($1, $2, $3, $4, $5, $6)",
			a.ServiceID, a.CustomerID, a.Available, a.IP, a.AccessIP, a.ExpiresAt); err != nil {
			return t.interpretError(err)
		}
		return t.bumpGeneration(ctx, t.tx, "firewall")
	})
}

// ILOGet implements store.Store.
func (db *DB) ILOGet(ctx context.Context, customerID, serviceID int64) (store.ILOAccess, error) {
	var a store.ILOAccess
	err := scanILO(db.reader().QueryRowContext(ctx, "SELECT "+iloColumns+" FROM ilo_access WHERE service_id = $1 AND customer_id = $2",
		serviceID, customerID), &a)
	return a, db.interpretError(err)
}

// ILOUpdateAccess implements store.Store.
func (db *DB) ILOUpdateAccess(ctx context.Context, customerID, serviceID int64, accessIP string, expiresAt int64) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		res, err := t.tx.ExecContext(ctx, "UPDATE ilo_access SET access_ip = $3, expires_at = $4 WHERE service_id = $1 AND customer_id = $2",
			serviceID, customerID, accessIP, expiresAt)
		if err := affected(res, err); err != nil {
			return t.interpretError(err)
		}
		return t.bumpGeneration(ctx, t.tx, "firewall")
	})
}

// ILOExpire implements store.Store.
func (db *DB) ILOExpire(ctx context.Context, serviceID, expiresAt int64) (bool, error) {
	return db.swapFirewall(ctx, "UPDATE ilo_access SET access_ip = '', expires_at = 0 WHERE service_id = $1 AND expires_at = $2 AND access_ip <> ''",
		serviceID, expiresAt)
}

// ILOAll implements store.Store.
func (db *DB) ILOAll(ctx context.Context) ([]store.ILOAccess, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+iloColumns+" FROM ilo_access ORDER BY service_id")
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.ILOAccess
	for rows.Next() {
		var a store.ILOAccess
		if err := scanILO(rows, &a); err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, db.interpretError(rows.Err())
}

// affected turns an UPDATE's result into store.ErrNotFound when it changed
// no row.
func affected(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}
