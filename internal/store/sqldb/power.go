package sqldb

import (
	"context"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The power and transfer-usage part of the store (store.PowerStore).
// Octet counters are unsigned 64-bit; they are stored bit for bit in the
// signed 64-bit columns.

// ownService reports store.ErrNotFound unless the customer has the service.
func (db *DB) ownService(ctx context.Context, customerID, serviceID int64) error {
	var n int
	if err := db.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM services WHERE id = $1 AND customer_id = $2", serviceID, customerID).Scan(&n); err != nil {
		return db.interpretError(err)
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// PowerSet implements store.Store.
func (db *DB) PowerSet(ctx context.Context, p store.Power) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if err := t.ownService(ctx, p.CustomerID, p.ServiceID); err != nil {
			return err
		}
		_, err := t.tx.ExecContext(ctx, "INSERT INTO power_management (service_id, customer_id, driver, config, state) VALUES ($1, $2, $3, $4, $5)"+
			" ON CONFLICT (service_id) DO UPDATE SET customer_id = excluded.customer_id, driver = excluded.driver, config = excluded.config, state = excluded.state",
			p.ServiceID, p.CustomerID, p.Driver, string(p.Config), p.State)
		return t.interpretError(err)
	})
}

const powerColumns = "service_id, customer_id, driver, config, state"

func scanPower(r interface{ Scan(...any) error }, p *store.Power) error {
	var config string
	if err := r.Scan(&p.ServiceID, &p.CustomerID, &p.Driver, &config, &p.State); err != nil {
		return err
	}
	p.Config = []byte(config)
	return nil
}

// PowerGet implements store.Store.
func (db *DB) PowerGet(ctx context.Context, customerID, serviceID int64) (store.Power, error) {
	var p store.Power
	err := scanPower(db.reader().QueryRowContext(ctx, "SELECT "+powerColumns+" FROM power_management WHERE service_id = $1 AND customer_id = $2",
		serviceID, customerID), &p)
	return p, db.interpretError(err)
}

// PowerSetState implements store.Store.
func (db *DB) PowerSetState(ctx context.Context, customerID, serviceID int64, state string) error {
	res, err := db.writer().ExecContext(ctx, "UPDATE power_management SET state = $2 WHERE service_id = $1 AND customer_id = $3",
		serviceID, state, customerID)
	return db.interpretError(affected(res, err))
}

// PowerAll implements store.Store.
func (db *DB) PowerAll(ctx context.Context) ([]store.Power, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+powerColumns+" FROM power_management ORDER BY service_id")
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.Power
	for rows.Next() {
		var p store.Power
		if err := scanPower(rows, &p); err != nil {
			return nil, db.interpretError(err)
		}
		list = append(list, p)
	}
	return list, db.interpretError(rows.Err())
}

// PowerBusy implements store.Store.
func (db *DB) PowerBusy(ctx context.Context, customerID, serviceID int64, node string, now, until int64) (bool, error) {
	res, err := db.writer().ExecContext(ctx, "UPDATE power_management SET busy_node = $2, busy_until = $4"+
		" WHERE service_id = $1 AND customer_id = $5 AND (busy_node = $2 OR busy_node = '' OR busy_until <= $3)",
		serviceID, node, now, until, customerID)
	if err != nil {
		return false, db.interpretError(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, db.interpretError(err)
	}
	if n == 0 {
		var one int
		if err := db.writer().QueryRowContext(ctx, "SELECT 1 FROM power_management WHERE service_id = $1 AND customer_id = $2",
			serviceID, customerID).Scan(&one); err != nil {
			return false, db.interpretError(err)
		}
	}
	return n == 1, nil
}

// PowerIdle implements store.Store.
func (db *DB) PowerIdle(ctx context.Context, customerID, serviceID int64, node string) error {
	_, err := db.writer().ExecContext(ctx, "UPDATE power_management SET busy_node = '', busy_until = 0"+
		" WHERE service_id = $1 AND customer_id = $3 AND busy_node = $2", serviceID, node, customerID)
	return db.interpretError(err)
}

const portColumns = "service_id, customer_id, config, last_in, last_out, last_at, lease_node, lease_until"

func scanPort(r interface{ Scan(...any) error }, p *store.TransferPort) error {
	var config string
	var in, out int64
	if err := r.Scan(&p.ServiceID, &p.CustomerID, &config, &in, &out, &p.LastAt, &p.LeaseNode, &p.LeaseUntil); err != nil {
		return err
	}
	p.Config, p.LastIn, p.LastOut = []byte(config), uint64(in), uint64(out)
	return nil
}

// TransferPortSet implements store.Store.
func (db *DB) TransferPortSet(ctx context.Context, p store.TransferPort) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if err := t.ownService(ctx, p.CustomerID, p.ServiceID); err != nil {
			return err
		}
		_, err := t.tx.ExecContext(ctx, "INSERT INTO transfer_ports ("+portColumns+") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"+
			" ON CONFLICT (service_id) DO UPDATE SET customer_id = excluded.customer_id, config = excluded.config,"+
			" last_in = excluded.last_in, last_out = excluded.last_out, last_at = excluded.last_at,"+
			" lease_node = excluded.lease_node, lease_until = excluded.lease_until",
			p.ServiceID, p.CustomerID, string(p.Config), int64(p.LastIn), int64(p.LastOut), p.LastAt, p.LeaseNode, p.LeaseUntil)
		return t.interpretError(err)
	})
}

// TransferPortGet implements store.Store.
func (db *DB) TransferPortGet(ctx context.Context, customerID, serviceID int64) (store.TransferPort, error) {
	var p store.TransferPort
	err := scanPort(db.reader().QueryRowContext(ctx, "SELECT "+portColumns+" FROM transfer_ports WHERE service_id = $1 AND customer_id = $2",
		serviceID, customerID), &p)
	return p, db.interpretError(err)
}

// TransferPortsAll implements store.Store.
func (db *DB) TransferPortsAll(ctx context.Context) ([]store.TransferPort, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+portColumns+" FROM transfer_ports ORDER BY service_id")
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.TransferPort
	for rows.Next() {
		var p store.TransferPort
		if err := scanPort(rows, &p); err != nil {
			return nil, db.interpretError(err)
		}
		list = append(list, p)
	}
	return list, db.interpretError(rows.Err())
}

// TransferLease implements store.Store: one conditional UPDATE, so of
// concurrent callers (on any number of nodes) at most one changes the row.
func (db *DB) TransferLease(ctx context.Context, serviceID int64, node string, now, until int64) (bool, error) {
	res, err := db.writer().ExecContext(ctx, "UPDATE transfer_ports SET lease_node = $2, lease_until = $4"+
		" WHERE service_id = $1 AND (lease_node = $2 OR lease_node = '' OR lease_until <= $3)", serviceID, node, now, until)
	if err != nil {
		return false, db.interpretError(err)
	}
	n, err := res.RowsAffected()
	return n == 1, db.interpretError(err)
}

// TransferSample implements store.Store.
func (db *DB) TransferSample(ctx context.Context, s store.TransferSample) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		res, err := t.tx.ExecContext(ctx, "UPDATE transfer_ports SET last_in = $2, last_out = $3, last_at = $4"+
			" WHERE service_id = $1 AND lease_node = $5 AND last_at = $6", s.ServiceID, int64(s.In), int64(s.Out), s.At, s.Node, s.PrevAt)
		if err != nil {
			return t.interpretError(err)
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			if err != nil {
				return t.interpretError(err)
			}
			return store.ErrConflict
		}
		if s.Up == 0 && s.Down == 0 {
			return nil
		}
		_, err = t.tx.ExecContext(ctx, "INSERT INTO transfer_periods (service_id, period_from, period_to, up, down) VALUES ($1, $2, $3, $4, $5)"+
			" ON CONFLICT (service_id, period_from) DO UPDATE SET up = transfer_periods.up + excluded.up, down = transfer_periods.down + excluded.down",
			s.ServiceID, s.PeriodFrom, s.PeriodTo, s.Up, s.Down)
		return t.interpretError(err)
	})
}

// TransferPeriods implements store.Store.
func (db *DB) TransferPeriods(ctx context.Context, customerID, serviceID int64) ([]store.TransferPeriod, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT p.period_from, p.period_to, p.up, p.down FROM transfer_periods p"+
		" JOIN services s ON s.id = p.service_id WHERE p.service_id = $1 AND s.customer_id = $2 ORDER BY p.period_from",
		serviceID, customerID)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	list := []store.TransferPeriod{}
	for rows.Next() {
		var p store.TransferPeriod
		if err := rows.Scan(&p.From, &p.To, &p.Up, &p.Down); err != nil {
			return nil, db.interpretError(err)
		}
		list = append(list, p)
	}
	return list, db.interpretError(rows.Err())
}

// TransferPeriodSet implements store.Store.
func (db *DB) TransferPeriodSet(ctx context.Context, customerID, serviceID int64, p store.TransferPeriod) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		if err := t.ownService(ctx, customerID, serviceID); err != nil {
			return err
		}
		_, err := t.tx.ExecContext(ctx, "INSERT INTO transfer_periods (service_id, period_from, period_to, up, down) VALUES ($1, $2, $3, $4, $5)"+
			" ON CONFLICT (service_id, period_from) DO UPDATE SET period_to = excluded.period_to, up = excluded.up, down = excluded.down",
			serviceID, p.From, p.To, p.Up, p.Down)
		return t.interpretError(err)
	})
}
