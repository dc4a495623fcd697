package panel

import (
	"context"
	"fmt"
	"time"

	"github.com/artnet-panel/artnet-panel/internal/store"
)

// message is an e-mail in both languages of the panel.
type message struct {
	subject map[string]string
	body    map[string]string // fmt format: %s name, %s time
}

var (
	msgAPIKeyRegenerated = message{
		subject: map[string]string{
			"pl": "Wygenerowano nowy klucz API",
			"en": "A new API key has been generated",
		},
		body: map[string]string{
			"pl": "Dzień dobry %s,\n\nw dniu %s wygenerowano nowy klucz API dla Twojego konta w Panelu Klienta Artnet. Poprzedni klucz przestał działać.\n\nJeśli to nie Ty, natychmiast wygeneruj nowy klucz i skontaktuj się z Biurem Obsługi Klienta.\n\n-- \nArtnet",
			"en": "Hello %s,\n\non %s a new API key was generated for your Artnet Customers Panel account. The previous key no longer works.\n\nIf this was not you, generate a new key at once and contact Customer Service.\n\n-- \nArtnet",
		},
	}
	msgLanguageChanged = message{
		subject: map[string]string{
			"pl": "Zmiana języka konta",
			"en": "Account language changed",
		},
		body: map[string]string{
			"pl": "Dzień dobry %s,\n\nw dniu %s zmieniono język Panelu Klienta i wiadomości e-mail na polski.\n\n-- \nArtnet",
			"en": "Hello %s,\n\non %s the language of the Customers Panel and of e-mail messages was changed to English.\n\n-- \nArtnet",
		},
	}
)

// sendEmail writes msg, in the customer's language, to the customer's
// outbox (what /customer/emails-list shows). It must run inside the
// command's transaction.
func (p *Panel) sendEmail(ctx context.Context, tx store.Store, c store.Customer, msg message) error {
	lang := c.Language
	if _, ok := msg.subject[lang]; !ok {
		lang = "en"
	}
	now := p.now()
	when := now.UTC().Format(time.DateTime + " UTC")
	e := store.Email{
		CustomerID: c.ID,
		Time:       now.Unix(),
		Address:    c.Email,
		Subject:    msg.subject[lang],
		Body:       fmt.Sprintf(msg.body[lang], c.Name, when),
	}
	if err := tx.EmailCreate(ctx, &e); err != nil {
		return fmt.Errorf("write e-mail %q: %w", e.Subject, err)
	}
	return nil
}
