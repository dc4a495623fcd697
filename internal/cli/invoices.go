package cli

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

// The invoices module (an extension of artnetd).

func newCmdInvoices(f *Factory) *cobra.Command {
	cmd := newModuleCmd("invoices")
	cmd.AddCommand(
		newCmdInvoicesList(f, nil),
		newCmdInvoicesDetails(f, nil),
		newCmdInvoicesDownloadProforma(f, nil),
	)
	return cmd
}

func newCmdInvoicesList(f *Factory, runF func(*PagingOptions) error) *cobra.Command {
	return newPagingCommand(f, "invoices", "list", runF, invoicesListRun)
}

func invoicesListRun(o *PagingOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	list, err := c.Invoices.List(o.Ctx, artnet.InvoicesListOpts{Limit: o.Limit, Offset: o.Offset})
	if err != nil {
		return err
	}
	return o.Print(artnet.InvoicesListResponse{InvoicesList: list}, func(w io.Writer) error {
		t := newTable(w, "NUMBER", "TYPE", "ISSUED", "DUE", "SERVICE", "NET", "GROSS", "CURRENCY")
		for _, inv := range list {
			t.row(inv.Number, inv.Type, inv.IssueDate, inv.DueDate, fmt.Sprint(inv.ServiceID),
				formatMoney(inv.TotalNet), formatMoney(inv.TotalGross), inv.Currency)
		}
		return t.flush()
	})
}

func newCmdInvoicesDetails(f *Factory, runF func(*ArgOptions) error) *cobra.Command {
	return newArgCommand(f, "invoices", "details", "invoice_number", runF, invoicesDetailsRun)
}

func invoicesDetailsRun(o *ArgOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	inv, err := c.Invoices.Details(o.Ctx, o.Value)
	if err != nil {
		return err
	}
	return o.Print(artnet.InvoiceDetailsResponse{Invoice: *inv}, func(w io.Writer) error {
		return printDetails(w, inv)
	})
}

// DownloadOptions are the options of invoices download-proforma.
type DownloadOptions struct {
	ArgOptions
	File string
}

func newCmdInvoicesDownloadProforma(f *Factory, runF func(*DownloadOptions) error) *cobra.Command {
	opts := &DownloadOptions{}
	cmd := newArgCommand(f, "invoices", "download-proforma", "invoice_number", func(a *ArgOptions) error {
		opts.ArgOptions = *a
		if runF != nil {
			return runF(opts)
		}
		return invoicesDownloadProformaRun(opts)
	}, nil)
	cmd.Long += "\n\nThe PDF is written to --file (default: the file name the server gives,\nin the current directory); with -o json the answer is printed instead."
	cmd.Flags().StringVar(&opts.File, "file", "", "where to write the PDF")
	return cmd
}

func invoicesDownloadProformaRun(o *DownloadOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	doc, err := c.Invoices.DownloadProforma(o.Ctx, o.Value)
	if err != nil {
		return err
	}
	if o.Output != "" && o.Output != "table" {
		return o.Print(artnet.ProformaResponse{Proforma: *doc}, nil)
	}
	path := o.File
	if path == "" {
		path = filepath.Base(doc.FileName)
	}
	pdf, err := doc.Bytes()
	if err != nil {
		return fmt.Errorf("the server's PDF: %w", err)
	}
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("wrote %s (%d bytes)", path, len(pdf)))
}
