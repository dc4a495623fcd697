package sqldb

import (
	"strconv"
	"strings"
)

type stmtID int

// The eight ServiceList statements come first so that the filter bits can
// be or-ed into the id.
const (
	serviceList         stmtID = 0 // + serviceListByType | serviceListByParent | serviceListAfter
	serviceListByType   stmtID = 1
	serviceListByParent stmtID = 2
	serviceListAfter    stmtID = 4

	customerInsert stmtID = iota + 4
	customerInsertAuto
	customerGet
	customerAuth
	customerUpdate
	customerSetAPIKey
	customerSetAPIAccess
	customerList
	serviceInsert
	serviceInsertAuto
	serviceGet
	emailInsert
	emailInsertAuto
	emailGet
	emailList

	numStmts
)

const (
	customerCols = "id, name, nip, regon, street, postcode, city, country_code, tel, fax, " +
		"email, email_tech, email_invoice, correspondence_name, correspondence_street, " +
		"correspondence_postcode, correspondence_city, business, language, currency, " +
		"api_key_hash, api_access, reseller"
	serviceCols = "id, customer_id, type, name, custom_description, expiration_time, " +
		"price_minor, price_brutto_minor, currency, payment_period, parent_service_id, ip, details"
	emailCols = "id, customer_id, time, address, subject, body"
)

type stmtDef struct {
	sql   string
	write bool
}

var stmtDefs = [numStmts]stmtDef{
	0:                    {sql: serviceListSQL(0)},
	1:                    {sql: serviceListSQL(1)},
	2:                    {sql: serviceListSQL(2)},
	3:                    {sql: serviceListSQL(3)},
	4:                    {sql: serviceListSQL(4)},
	5:                    {sql: serviceListSQL(5)},
	6:                    {sql: serviceListSQL(6)},
	7:                    {sql: serviceListSQL(7)},
	customerInsert:       {write: true, sql: insertSQL("customers", customerCols, false)},
	customerInsertAuto:   {write: true, sql: insertSQL("customers", customerCols, true)},
	customerGet:          {sql: "SELECT " + customerCols + " FROM customers WHERE id = $1"},
	customerAuth:         {sql: "SELECT api_key_hash, api_access FROM customers WHERE id = $1"},
	customerUpdate:       {write: true, sql: customerUpdateSQL()},
	customerSetAPIKey:    {write: true, sql: "UPDATE customers SET api_key_hash = $2 WHERE id = $1"},
	customerSetAPIAccess: {write: true, sql: "UPDATE customers SET api_access = $2 WHERE id = $1"},
	customerList:         {sql: "SELECT " + customerCols + " FROM customers ORDER BY id"},
	serviceInsert:        {write: true, sql: insertSQL("services", serviceCols, false)},
	serviceInsertAuto:    {write: true, sql: insertSQL("services", serviceCols, true)},
	serviceGet:           {sql: "SELECT " + serviceCols + " FROM services WHERE id = $1 AND customer_id = $2"},
	emailInsert:          {write: true, sql: insertSQL("emails", emailCols, false)},
	emailInsertAuto:      {write: true, sql: insertSQL("emails", emailCols, true)},
	emailGet:             {sql: "SELECT " + emailCols + " FROM emails WHERE id = $1 AND customer_id = $2"},
	emailList: {sql: "SELECT " + emailCols + " FROM emails WHERE customer_id = $1" +
		" ORDER BY time DESC, id DESC LIMIT $2 OFFSET $3"},
}

// serviceListSQL returns the ServiceList statement of the variant bits v:
// $1 customer, $2 limit, $3 offset, then the type, the parent service id
// and the id to start after, as far as v uses them. Each variant matches
// one of the indexes services(customer_id, id), (customer_id, type, id),
// (customer_id, parent_service_id, id). The inner query pages over the
// index alone (it needs nothing but ids), so skipping a large offset reads
// no table rows; only the page's rows are fetched. With an id to start
// after (keyset paging) the index is entered at that id.
func serviceListSQL(v stmtID) string {
	cond, n := "", 4
	if v&serviceListByType != 0 {
		cond += " AND type = $" + strconv.Itoa(n)
		n++
	}
	if v&serviceListByParent != 0 {
		cond += " AND parent_service_id = $" + strconv.Itoa(n)
		n++
	}
	if v&serviceListAfter != 0 {
		cond += " AND id > $" + strconv.Itoa(n)
	}
	return "SELECT " + serviceCols + " FROM services WHERE id IN (SELECT id FROM services WHERE customer_id = $1" + cond +
		" ORDER BY id LIMIT $2 OFFSET $3) ORDER BY id"
}

// insertSQL returns the INSERT of all cols ($1 is the id) or, when auto, of
// all but the leading id column ($1 is the next one) returning the new id.
func insertSQL(table, cols string, auto bool) string {
	n := strings.Count(cols, ",") + 1
	if auto {
		cols = strings.TrimPrefix(cols, "id, ")
		n--
	}
	var b strings.Builder
	b.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES (")
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i))
	}
	b.WriteString(")")
	if auto {
		b.WriteString(" RETURNING id")
	}
	return b.String()
}

// customerUpdateSQL sets every column but id and the credentials
// (api_key_hash, api_access) from $2..., in the order of customerCols; $1 is
// the id.
func customerUpdateSQL() string {
	var b strings.Builder
	b.WriteString("UPDATE customers SET ")
	i := 2
	for _, col := range strings.Split(customerCols, ", ") {
		if col == "id" || col == "api_key_hash" || col == "api_access" {
			continue
		}
		if i > 2 {
			b.WriteString(", ")
		}
		b.WriteString(col + " = $" + strconv.Itoa(i))
		i++
	}
	b.WriteString(" WHERE id = $1")
	return b.String()
}
