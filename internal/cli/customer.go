package cli

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/artnet-panel/artnet-panel/artnet"
)

func newCmdCustomer(f *Factory) *cobra.Command {
	cmd := newModuleCmd("customer")
	cmd.AddCommand(
		newCmdCustomerRegenerateAPIKey(f, nil),
		newCmdCustomerEmailsList(f, nil),
		newCmdCustomerEmailDetails(f, nil),
		newCmdCustomerChangeLanguage(f, nil),
		newCmdCustomerGetLanguage(f, nil),
		newCmdCustomerDetails(f, nil),
		newCmdCustomerEdit(f, nil),
	)
	return cmd
}

// customer regenerate-api-key

func newCmdCustomerRegenerateAPIKey(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	cmd := newNoArgsCommand(f, "customer", "regenerate-api-key", runF, customerRegenerateAPIKeyRun)
	cmd.Long += `

The new key is printed once. When the old key came from a context of the
configuration file, the context is updated with the new key.`
	return cmd
}

func customerRegenerateAPIKeyRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	creds, err := o.f.Credentials(o.cmd)
	if err != nil {
		return err
	}
	key, err := c.Customer.RegenerateAPIKey(o.Ctx)
	if err != nil {
		return err
	}
	// Save before printing, but print even when saving fails: the old key
	// no longer works and this is the only chance to see the new one.
	var saveErr error
	note := "The old key no longer works. Update ARTNET_API_KEY or your scripts: the new key is not shown again."
	if creds.KeySource == sourceContext {
		saveErr = o.f.updateContextKey(creds.Context, key)
		if saveErr == nil {
			note = fmt.Sprintf("The old key no longer works; context %q now holds the new one.", creds.Context)
		}
	}
	if err := o.Print(artnet.APIKeyResponse{APIKey: key}, func(w io.Writer) error {
		_, err := fmt.Fprintf(w, "New API key: %s\n", key)
		return err
	}); err != nil {
		return err
	}
	if saveErr != nil {
		return fmt.Errorf("the key changed, but saving it in context %q failed: %w", creds.Context, saveErr)
	}
	o.f.warnf("%s", note)
	return nil
}

// updateContextKey stores key in the context name.
func (f *Factory) updateContextKey(name, key string) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	e, ok := cfg.Lookup(name)
	if !ok {
		return fmt.Errorf("context %q no longer exists", name)
	}
	e.APIKey = key
	return cfg.Save()
}

// customer emails-list

// PagingOptions are the options of customer emails-list.
type PagingOptions struct {
	Common
	Limit, Offset int
}

func newCmdCustomerEmailsList(f *Factory, runF func(*PagingOptions) error) *cobra.Command {
	return newPagingCommand(f, "customer", "emails-list", runF, customerEmailsListRun)
}

// newPagingCommand returns a list command whose only parameters are limit
// and offset.
func newPagingCommand(f *Factory, module, name string, runF, run func(*PagingOptions) error) *cobra.Command {
	opts := &PagingOptions{}
	sc := mustSpec(module, name)
	cmd := apiCommand(f, module, name, "",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return run(opts)
		})
	cmd.Args = cobra.NoArgs
	cmd.Flags().IntVar(&opts.Limit, "limit", 0, paramDoc(sc, "limit")+" (0: all)")
	cmd.Flags().IntVar(&opts.Offset, "offset", 0, paramDoc(sc, "offset"))
	return cmd
}

func customerEmailsListRun(o *PagingOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	list, err := c.Customer.EmailsList(o.Ctx, artnet.EmailsListOpts{Limit: o.Limit, Offset: o.Offset})
	if err != nil {
		return err
	}
	return o.Print(artnet.EmailsListResponse{EmailsList: list}, func(w io.Writer) error {
		t := newTable(w, "ID", "TIME", "SUBJECT")
		for _, e := range list {
			t.row(fmt.Sprint(e.ID), formatTime(e.Time), e.Subject)
		}
		return t.flush()
	})
}

// customer email-details

func newCmdCustomerEmailDetails(f *Factory, runF func(*IDOptions) error) *cobra.Command {
	return newIDCommand(f, "customer", "email-details", "email_id", runF, customerEmailDetailsRun)
}

func customerEmailDetailsRun(o *IDOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	e, err := c.Customer.EmailDetails(o.Ctx, o.ID)
	if err != nil {
		return err
	}
	return o.Print(artnet.EmailDetailsResponse{Email: *e}, func(w io.Writer) error {
		return printDetails(w, e)
	})
}

// customer change-language

func newCmdCustomerChangeLanguage(f *Factory, runF func(*ArgOptions) error) *cobra.Command {
	cmd := newArgCommand(f, "customer", "change-language", "language", runF, customerChangeLanguageRun)
	cmd.Use = "change-language pl|en"
	cmd.ValidArgs = []cobra.Completion{artnet.LanguagePL, artnet.LanguageEN}
	return cmd
}

func customerChangeLanguageRun(o *ArgOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.Customer.ChangeLanguage(o.Ctx, o.Value); err != nil {
		return err
	}
	return o.Done(fmt.Sprintf("Language changed to %s.", o.Value))
}

// customer get-language

func newCmdCustomerGetLanguage(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	return newNoArgsCommand(f, "customer", "get-language", runF, customerGetLanguageRun)
}

func customerGetLanguageRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	lang, err := c.Customer.GetLanguage(o.Ctx)
	if err != nil {
		return err
	}
	return o.Print(artnet.LanguageResponse{Language: lang}, func(w io.Writer) error {
		_, err := fmt.Fprintln(w, lang)
		return err
	})
}

// customer details

func newCmdCustomerDetails(f *Factory, runF func(*NoArgsOptions) error) *cobra.Command {
	return newNoArgsCommand(f, "customer", "details", runF, customerDetailsRun)
}

func customerDetailsRun(o *NoArgsOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	cust, err := c.Customer.Details(o.Ctx)
	if err != nil {
		return err
	}
	return o.Print(artnet.CustomerDetailsResponse{Customer: *cust}, func(w io.Writer) error {
		return printDetails(w, cust)
	})
}

// customer edit

// CustomerEditOptions are the options of customer edit: only the flags
// given are sent.
type CustomerEditOptions struct {
	Common
	Edit artnet.CustomerEditOpts
}

// customerEditFields are the string fields of customer edit: the
// parameter (customer[param]) and where its value goes.
func customerEditFields(e *artnet.CustomerEditOpts) []struct {
	param string
	dst   **string
} {
	return []struct {
		param string
		dst   **string
	}{
		{"name", &e.Name}, {"nip", &e.NIP}, {"regon", &e.REGON}, {"street", &e.Street},
		{"postcode", &e.Postcode}, {"city", &e.City}, {"country_code", &e.CountryCode},
		{"tel", &e.Tel}, {"fax", &e.Fax}, {"email", &e.Email}, {"email_tech", &e.EmailTech},
		{"email_invoice", &e.EmailInvoice}, {"correspondence_name", &e.CorrespondenceName},
		{"correspondence_street", &e.CorrespondenceStreet},
		{"correspondence_postcode", &e.CorrespondencePostcode},
		{"correspondence_city", &e.CorrespondenceCity},
	}
}

func newCmdCustomerEdit(f *Factory, runF func(*CustomerEditOptions) error) *cobra.Command {
	opts := &CustomerEditOptions{}
	sc := mustSpec("customer", "edit")
	values := map[string]*string{}
	var business bool
	cmd := apiCommand(f, "customer", "edit", "[--FIELD VALUE]...",
		func(c *cobra.Command, args []string) error {
			opts.Common = f.common(c)
			opts.Edit = artnet.CustomerEditOpts{}
			changed := false
			for _, fld := range customerEditFields(&opts.Edit) {
				if c.Flags().Changed(flagName(fld.param)) {
					v := *values[fld.param]
					*fld.dst = &v
					changed = true
				}
			}
			if c.Flags().Changed("business") {
				opts.Edit.Business = &business
				changed = true
			}
			if !changed {
				return usageErrorf("nothing to change: give at least one field, e.g. --city Kraków")
			}
			return nil
		},
		func() error {
			if runF != nil {
				return runF(opts)
			}
			return customerEditRun(opts)
		})
	cmd.Args = cobra.NoArgs
	cmd.Example = `  artnet customer edit --city Kraków --postcode 30-001
  artnet customer edit --business=false`
	for _, fld := range customerEditFields(&opts.Edit) {
		values[fld.param] = new(string)
		cmd.Flags().StringVar(values[fld.param], flagName(fld.param), "", paramDoc(sc, "customer."+fld.param))
	}
	cmd.Flags().BoolVar(&business, "business", false, paramDoc(sc, "customer.business"))
	return cmd
}

func customerEditRun(o *CustomerEditOptions) error {
	c, err := o.Client()
	if err != nil {
		return err
	}
	if err := c.Customer.Edit(o.Ctx, o.Edit); err != nil {
		return err
	}
	return o.Done("Customer details saved.")
}
