package sqldb

import (
	"context"
	"database/sql"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// The cloud part of the store (store.CloudStore).

const cloudColumns = "id, customer_id, name, display_name, notes, cpu, ram, hdd, bandwidth, boot_status, boot_image," +
	" power_on, password_hash, vnc_secret, vnc_host, vnc_port, network"

func scanCloud(row interface{ Scan(...any) error }, i *store.CloudInstance) error {
	var network string
	if err := row.Scan(&i.ID, &i.CustomerID, &i.Name, &i.DisplayName, &i.Notes, &i.CPU, &i.RAM, &i.HDD, &i.Bandwidth,
		&i.BootStatus, &i.BootImage, &i.PowerOn, &i.PasswordHash, &i.VNCSecret, &i.VNCHost, &i.VNCPort, &network); err != nil {
		return err
	}
	i.Network = []byte(network)
	return nil
}

// CloudInstanceCreate implements store.Store.
func (db *DB) CloudInstanceCreate(ctx context.Context, i store.CloudInstance) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		var n int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM customers WHERE id = $1", i.CustomerID).Scan(&n); err != nil {
			return t.interpretError(err)
		}
		if n == 0 {
			return store.ErrNotFound
		}
		_, err := t.tx.ExecContext(ctx, "INSERT INTO cloud_instances ("+cloudColumns+") VALUES"+
			" ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
			i.ID, i.CustomerID, i.Name, i.DisplayName, i.Notes, i.CPU, i.RAM, i.HDD, i.Bandwidth, i.BootStatus, i.BootImage,
			i.PowerOn, i.PasswordHash, i.VNCSecret, i.VNCHost, i.VNCPort, string(i.Network))
		if err != nil {
			return t.interpretError(err)
		}
		return t.bumpGeneration(ctx, t.tx, "hypervisor")
	})
}

// CloudInstanceGet implements store.Store.
func (db *DB) CloudInstanceGet(ctx context.Context, customerID, id int64) (store.CloudInstance, error) {
	var i store.CloudInstance
	err := scanCloud(db.reader().QueryRowContext(ctx, "SELECT "+cloudColumns+" FROM cloud_instances WHERE id = $1 AND customer_id = $2",
		id, customerID), &i)
	return i, db.interpretError(err)
}

func (db *DB) cloudList(ctx context.Context, where string, args ...any) ([]store.CloudInstance, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT "+cloudColumns+" FROM cloud_instances"+where+" ORDER BY id", args...)
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.CloudInstance
	for rows.Next() {
		var i store.CloudInstance
		if err := scanCloud(rows, &i); err != nil {
			return nil, err
		}
		list = append(list, i)
	}
	return list, db.interpretError(rows.Err())
}

// CloudInstanceList implements store.Store.
func (db *DB) CloudInstanceList(ctx context.Context, customerID int64) ([]store.CloudInstance, error) {
	return db.cloudList(ctx, " WHERE customer_id = $1", customerID)
}

// CloudInstancesAll implements store.Store.
func (db *DB) CloudInstancesAll(ctx context.Context) ([]store.CloudInstance, error) {
	return db.cloudList(ctx, "")
}

// CloudInstanceUpdate implements store.Store.
func (db *DB) CloudInstanceUpdate(ctx context.Context, i store.CloudInstance) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		res, err := t.tx.ExecContext(ctx, "UPDATE cloud_instances SET display_name = $3, notes = $4, cpu = $5, ram = $6, hdd = $7,"+
			" bandwidth = $8, boot_status = $9, boot_image = $10, power_on = $11, password_hash = $12, vnc_secret = $13,"+
			" vnc_host = $14, vnc_port = $15, network = $16 WHERE id = $1 AND customer_id = $2",
			i.ID, i.CustomerID, i.DisplayName, i.Notes, i.CPU, i.RAM, i.HDD, i.Bandwidth, i.BootStatus, i.BootImage,
			i.PowerOn, i.PasswordHash, i.VNCSecret, i.VNCHost, i.VNCPort, string(i.Network))
		if err := affected(res, err); err != nil {
			return t.interpretError(err)
		}
		return t.bumpGeneration(ctx, t.tx, "hypervisor")
	})
}

// CloudInstanceDelete implements store.Store.
func (db *DB) CloudInstanceDelete(ctx context.Context, customerID, id int64) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		res, err := t.tx.ExecContext(ctx, "DELETE FROM cloud_instances WHERE id = $1 AND customer_id = $2", id, customerID)
		if err := affected(res, err); err != nil {
			return t.interpretError(err)
		}
		return t.bumpGeneration(ctx, t.tx, "hypervisor")
	})
}

// CloudSettingsSet implements store.Store.
func (db *DB) CloudSettingsSet(ctx context.Context, settings []byte) error {
	_, err := db.writer().ExecContext(ctx, "INSERT INTO cloud_settings (id, data) VALUES (1, $1)"+
		" ON CONFLICT (id) DO UPDATE SET data = excluded.data", string(settings))
	return db.interpretError(err)
}

// CloudSettings implements store.Store.
func (db *DB) CloudSettings(ctx context.Context) ([]byte, error) {
	var data string
	err := db.reader().QueryRowContext(ctx, "SELECT data FROM cloud_settings WHERE id = 1").Scan(&data)
	if err == sql.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, db.interpretError(err)
	}
	return []byte(data), nil
}

// VPSPowerSet implements store.Store.
func (db *DB) VPSPowerSet(ctx context.Context, p store.VPSPower) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		var n int
		if err := t.tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM services WHERE id = $1 AND customer_id = $2", p.ServiceID, p.CustomerID).Scan(&n); err != nil {
			return t.interpretError(err)
		}
		if n == 0 {
			return store.ErrNotFound
		}
		if _, err := t.tx.ExecContext(ctx, "INSERT INTO vps_power (service_id, customer_id, config, power_on) VALUES ($1, $2, $3, $4)"+
			" ON CONFLICT (service_id) DO UPDATE SET config = excluded.config, power_on = excluded.power_on",
			p.ServiceID, p.CustomerID, string(p.Config), p.PowerOn); err != nil {
			return t.interpretError(err)
		}
		return t.bumpGeneration(ctx, t.tx, "hypervisor")
	})
}

func scanVPSPower(row interface{ Scan(...any) error }, p *store.VPSPower) error {
	var config string
	if err := row.Scan(&p.ServiceID, &p.CustomerID, &config, &p.PowerOn); err != nil {
		return err
	}
	p.Config = []byte(config)
	return nil
}

// VPSPowerGet implements store.Store.
func (db *DB) VPSPowerGet(ctx context.Context, customerID, serviceID int64) (store.VPSPower, error) {
	var p store.VPSPower
	err := scanVPSPower(db.reader().QueryRowContext(ctx, "SELECT service_id, customer_id, config, power_on FROM vps_power"+
		" WHERE service_id = $1 AND customer_id = $2", serviceID, customerID), &p)
	return p, db.interpretError(err)
}

// VPSPowerAll implements store.Store.
func (db *DB) VPSPowerAll(ctx context.Context) ([]store.VPSPower, error) {
	rows, err := db.reader().QueryContext(ctx, "SELECT service_id, customer_id, config, power_on FROM vps_power ORDER BY service_id")
	if err != nil {
		return nil, db.interpretError(err)
	}
	defer rows.Close()
	var list []store.VPSPower
	for rows.Next() {
		var p store.VPSPower
		if err := scanVPSPower(rows, &p); err != nil {
			return nil, err
		}
		list = append(list, p)
	}
	return list, db.interpretError(rows.Err())
}

// VPSPowerSetOn implements store.Store.
func (db *DB) VPSPowerSetOn(ctx context.Context, customerID, serviceID int64, on bool) error {
	return db.InTx(ctx, func(tx store.Store) error {
		t := tx.(*DB)
		res, err := t.tx.ExecContext(ctx, "UPDATE vps_power SET power_on = $3 WHERE service_id = $1 AND customer_id = $2",
			serviceID, customerID, on)
		if err := affected(res, err); err != nil {
			return t.interpretError(err)
		}
		return t.bumpGeneration(ctx, t.tx, "hypervisor")
	})
}
