// Command artnet is the customer command line tool of the Artnet Customers
// Panel API: one command per API command, grouped by module.
//
//	artnet --endpoint http://127.0.0.1:8080/api services list
//	artnet dedicated power-off 12345 --yes
//	artnet context create prod --id 19052
//
// See internal/cli, and artnet --help.
package main

import (
	"os"

	"github.com/artnet-panel/artnet-panel/internal/cli"
)

func main() { os.Exit(cli.Main()) }
