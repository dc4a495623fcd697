package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/artnet-panel/artnet-panel/artnet"
	"github.com/artnet-panel/artnet-panel/internal/apperr"
)

// The cloud pages (cloud-instance): the customer's instances, an
// instance's details with its power, boot mode, custom properties,
// password and deletion, and its resources with a live 24 h price.
//
//	GET  /cloud                          cloud-instance/list
//	GET  /cloud/{id}                     details, images, the action forms
//	POST /cloud/{id}/power               action-power-on/off/restart, action-reboot, action-shutdown
//	POST /cloud/{id}/boot                boot-mode-boot, boot-mode-installation-image
//	POST /cloud/{id}/properties          custom-properties-edit
//	POST /cloud/{id}/password            password-change (the new password twice)
//	GET  /cloud/{id}/delete              confirmation page
//	POST /cloud/{id}/delete              delete
//	GET  /cloud/{id}/resources           resources-allowed-ranges, the current price
//	POST /cloud/{id}/resources           calculate (no JS) or resources-negotiate
//	POST /cloud/{id}/resources/price     the price element's content (htmx)
//
// Most commands take the instance's password: every form asks for it
// (autocomplete current-password), it is sent to the command only and is
// never written into a page again, nor logged. A wrong password counts as
// a failed login (httpapi); a blocked address gets too-many-failed-logins
// before its password is even checked.
//
// Commands that restart or stop the machine (power off, restart, reboot,
// shutdown, boot mode, negotiate) are confirmed: with JavaScript the
// button's data-confirm asks and marks the form confirmed (static/app.js);
// without it the post answers a confirmation page that carries the form's
// other values and asks for the password again. Delete always goes through
// its confirmation page.
//
// Negotiate is sent with the form's Idempotency-Key (a random key made
// when the form is shown, a new one after a failure): a form sent twice
// negotiates once.
//
// Another customer's instance answers authorization-failed, shown exactly
// as a missing one (404).

var cloudTexts = texts{
	"cloud.title":              {"Instancje w chmurze", "Cloud instances"},
	"cloud.none":               {"Nie masz jeszcze żadnej instancji.", "You have no instances yet."},
	"cloud.name":               {"Nazwa", "Name"},
	"cloud.sysname":            {"Nazwa systemowa", "System name"},
	"cloud.state":              {"Stan", "State"},
	"cloud.state.time":         {"odczytany", "read at"},
	"cloud.state.running":      {"działa", "running"},
	"cloud.state.paused":       {"wstrzymana", "paused"},
	"cloud.state.stopped":      {"zatrzymana", "stopped"},
	"cloud.state.unknown":      {"nieznany", "unknown"},
	"cloud.resources":          {"Zasoby", "Resources"},
	"cloud.price":              {"Cena za 24 h", "Price for 24 h"},
	"cloud.price.per":          {"za 24 h, bez kosztów dodatkowych (np. transferu)", "for 24 h, without additional costs (like transfer)"},
	"cloud.cpu":                {"Rdzenie CPU", "CPU cores"},
	"cloud.ram":                {"Pamięć RAM (MB)", "RAM (MB)"},
	"cloud.hdd":                {"Dysk (GB)", "Disk (GB)"},
	"cloud.bandwidth":          {"Przepustowość (Mb/s)", "Bandwidth (Mbps)"},
	"cloud.res.cpu":            {"%d CPU", "%d CPU"},
	"cloud.res.ram":            {"%d MB RAM", "%d MB RAM"},
	"cloud.res.hdd":            {"dysk %d GB", "%d GB disk"},
	"cloud.res.bandwidth":      {"%d Mb/s", "%d Mbps"},
	"cloud.details":            {"Instancja", "Instance"},
	"cloud.boot":               {"Tryb uruchamiania", "Boot mode"},
	"cloud.boot.boot":          {"z dysku instancji", "from the instance's disk"},
	"cloud.boot.install":       {"z obrazu instalacyjnego", "from an installation image"},
	"cloud.vnc":                {"Konsola VNC", "VNC console"},
	"cloud.console":            {"Otwórz konsolę w przeglądarce", "Open the console in the browser"},
	"cloud.console.off":        {"Konsola jest dostępna, gdy instancja działa.", "The console is available while the instance is running."},
	"cloud.network":            {"Konfiguracja sieci", "Network configuration"},
	"cloud.ip":                 {"Adres IP", "IP address"},
	"cloud.mask":               {"Maska podsieci", "Subnet mask"},
	"cloud.gateway":            {"Brama", "Gateway"},
	"cloud.dns":                {"Serwery DNS", "DNS servers"},
	"cloud.password":           {"Hasło instancji", "Instance password"},
	"cloud.power":              {"Zasilanie", "Power"},
	"cloud.power.hint":         {"Wyłączenie i restart zasilania działają jak wyciągnięcie wtyczki; wyłączenie systemu i restart systemu wysyłają sygnał ACPI do systemu operacyjnego.", "Power off and power restart act like pulling the plug; shutdown and reboot send an ACPI signal to the operating system."},
	"cloud.power-on":           {"Włącz zasilanie", "Power on"},
	"cloud.power-off":          {"Wyłącz zasilanie", "Power off"},
	"cloud.power-restart":      {"Restart zasilania", "Power restart"},
	"cloud.reboot":             {"Restart systemu", "Reboot"},
	"cloud.shutdown":           {"Wyłącz system", "Shut down"},
	"cloud.ask.power-off":      {"Wyłączyć zasilanie instancji %s? Niezapisane dane w systemie zostaną utracone.", "Power off the instance %s? Unsaved data in its system will be lost."},
	"cloud.ask.power-restart":  {"Zrestartować zasilanie instancji %s? Niezapisane dane w systemie zostaną utracone.", "Restart the power of the instance %s? Unsaved data in its system will be lost."},
	"cloud.ask.reboot":         {"Zrestartować system instancji %s?", "Reboot the system of the instance %s?"},
	"cloud.ask.shutdown":       {"Wyłączyć system instancji %s?", "Shut down the system of the instance %s?"},
	"cloud.ask.boot":           {"Zmienić tryb uruchamiania instancji %s? Instancja zostanie uruchomiona ponownie.", "Change the boot mode of the instance %s? The instance will be restarted."},
	"cloud.ask.negotiate":      {"Zmienić zasoby instancji %s? Instancja zostanie uruchomiona ponownie.", "Change the resources of the instance %s? The instance will be restarted."},
	"cloud.ask.delete":         {"Instancja %s i wszystkie jej dane (także dysk) zostaną natychmiast usunięte. Tej operacji nie można cofnąć.", "The instance %s and all its data (its disk too) will be deleted at once. This cannot be undone."},
	"cloud.confirm.title":      {"Potwierdź operację", "Confirm the operation"},
	"cloud.confirm.password":   {"Podaj hasło instancji, aby potwierdzić.", "Enter the instance password to confirm."},
	"cloud.confirm.boot.image": {"Instancja uruchomi się z obrazu: %s.", "The instance will boot the image: %s."},
	"cloud.confirm.boot.disk":  {"Instancja uruchomi się z własnego dysku.", "The instance will boot from its own disk."},
	"cloud.delete":             {"Usuń instancję", "Delete the instance"},
	"cloud.delete.title":       {"Usunąć instancję?", "Delete the instance?"},
	"cloud.delete.yes":         {"Tak, usuń instancję", "Yes, delete the instance"},
	"cloud.boot.title":         {"Tryb uruchamiania", "Boot mode"},
	"cloud.boot.current":       {"Teraz: %s.", "Now: %s."},
	"cloud.boot.image":         {"Obraz instalacyjny", "Installation image"},
	"cloud.boot.noimages":      {"Brak dostępnych obrazów instalacyjnych.", "No installation images are available."},
	"cloud.boot.set":           {"Zmień tryb uruchamiania", "Change the boot mode"},
	"cloud.shutdown.opt":       {"Najpierw spróbuj wyłączyć system (do 30 s; jeśli się nie wyłączy, nic nie zostanie zmienione)", "Try to shut the system down first (up to 30 s; if it does not shut down, nothing is changed)"},
	"cloud.props":              {"Nazwa i notatki", "Name and notes"},
	"cloud.props.name":         {"Nazwa wyświetlana", "Display name"},
	"cloud.props.name.hint":    {"Do 35 znaków; widoczna na liście instancji.", "Up to 35 characters; shown in the list of instances."},
	"cloud.props.notes":        {"Notatki", "Notes"},
	"cloud.props.save":         {"Zapisz nazwę i notatki", "Save the name and notes"},
	"cloud.pw":                 {"Zmiana hasła instancji", "Change the instance password"},
	"cloud.pw.current":         {"Obecne hasło instancji", "Current instance password"},
	"cloud.pw.new":             {"Nowe hasło", "New password"},
	"cloud.pw.new.hint":        {"Co najmniej 4 znaki: litery, cyfry i .!@#$%^&*()_+-=", "At least 4 characters: letters, digits and .!@#$%^&*()_+-="},
	"cloud.pw.repeat":          {"Powtórz nowe hasło", "Repeat the new password"},
	"cloud.pw.mismatch":        {"Powtórzone hasło różni się od nowego hasła.", "The repeated password differs from the new password."},
	"cloud.pw.save":            {"Zmień hasło", "Change the password"},
	"cloud.res.title":          {"Zasoby instancji", "Instance resources"},
	"cloud.res.link":           {"Zmień zasoby", "Change the resources"},
	"cloud.res.current":        {"Obecne zasoby", "Current resources"},
	"cloud.res.new":            {"Nowe zasoby", "New resources"},
	"cloud.res.range":          {"Od %d do %d, co %d.", "From %d to %d, in steps of %d."},
	"cloud.res.hdd.only.up":    {"Dysku nie można zmniejszyć.", "The disk cannot be made smaller."},
	"cloud.res.calculate":      {"Oblicz cenę", "Calculate the price"},
	"cloud.res.negotiate":      {"Zmień zasoby", "Change the resources"},
	"cloud.res.restart":        {"Zmiana zasobów uruchamia instancję ponownie.", "Changing the resources restarts the instance."},
	"cloud.res.price.new":      {"Cena za 24 h z nowymi zasobami", "Price for 24 h with the new resources"},
	"cloud.res.price.live":     {"Cena zmienia się, gdy zmieniasz wartości.", "The price changes as you change the values."},
	"cloud.done.power-on":      {"Zasilanie instancji zostało włączone.", "The instance was powered on."},
	"cloud.done.power-off":     {"Zasilanie instancji zostało wyłączone.", "The instance was powered off."},
	"cloud.done.power-restart": {"Zasilanie instancji zostało zrestartowane.", "The instance's power was restarted."},
	"cloud.done.reboot":        {"System instancji został zrestartowany.", "The instance's system was rebooted."},
	"cloud.done.shutdown":      {"Wysłano do systemu sygnał wyłączenia.", "The shutdown signal was sent to the system."},
	"cloud.done.boot":          {"Instancja uruchamia się teraz z dysku.", "The instance now boots from its disk."},
	"cloud.done.install":       {"Instancja uruchamia się teraz z obrazu instalacyjnego.", "The instance now boots from the installation image."},
	"cloud.done.props":         {"Zapisano nazwę i notatki.", "The name and notes were saved."},
	"cloud.done.password":      {"Hasło instancji zostało zmienione.", "The instance password was changed."},
	"cloud.done.deleted":       {"Instancja została usunięta.", "The instance was deleted."},
	"cloud.done.negotiated":    {"Zasoby instancji zostały zmienione.", "The instance's resources were changed."},
	"cloud.res.computed":       {"Obliczono cenę; zasoby nie zostały jeszcze zmienione.", "The price was calculated; the resources were not changed yet."},
}

func init() {
	register(cloudTexts)
	registerFuncs(map[string]any{
		// cloudPrice formats a 24 h price (four decimals) in the page's
		// language: "1,2345 PLN" (pl), "1.2345 PLN" (en).
		"cloudPrice": cloudPrice,
		// cloudStateKey is the text key of an instance's state.
		"cloudStateKey": func(s string) string {
			switch s {
			case "running", "paused", "stopped":
				return "cloud.state." + s
			}
			return "cloud.state.unknown"
		},
	})
	handle("GET /cloud", cloudList)
	handle("GET /cloud/{id}", cloudDetails)
	handle("POST /cloud/{id}/power", cloudPower)
	handle("POST /cloud/{id}/boot", cloudBoot)
	handle("POST /cloud/{id}/properties", cloudProperties)
	handle("POST /cloud/{id}/password", cloudPassword)
	handle("GET /cloud/{id}/delete", cloudDeleteConfirm)
	handle("POST /cloud/{id}/delete", cloudDelete)
	handle("GET /cloud/{id}/resources", cloudResources)
	handle("POST /cloud/{id}/resources", cloudResourcesPost)
	handle("POST /cloud/{id}/resources/price", cloudPricePartial)
}

// cloudPrice formats m with four decimals and its currency.
func cloudPrice(m artnet.Money4, currency, lang string) string {
	return decimal(int64(m), 4, currency, lang)
}

// cloudPowerCommands are the power forms' actions and their commands.
var cloudPowerCommands = map[string]string{
	"power-on":      "cloud-instance/action-power-on",
	"power-off":     "cloud-instance/action-power-off",
	"power-restart": "cloud-instance/action-power-restart",
	"reboot":        "cloud-instance/action-reboot",
	"shutdown":      "cloud-instance/action-shutdown",
}

// cloudPowerActions are the power buttons in page order; Ask is the
// confirmation question's key ("": none).
var cloudPowerActions = []struct{ Action, Ask string }{
	{"power-on", ""},
	{"shutdown", "cloud.ask.shutdown"},
	{"reboot", "cloud.ask.reboot"},
	{"power-off", "cloud.ask.power-off"},
	{"power-restart", "cloud.ask.power-restart"},
}

// cloudAsk returns the confirmation question of a power action ("": none).
func cloudAsk(action string) string {
	for _, a := range cloudPowerActions {
		if a.Action == action {
			return a.Ask
		}
	}
	return ""
}

// cloudID returns the path's {id} when it is a positive number.
func cloudID(q *Req) (string, bool) {
	id := q.R.PathValue("id")
	n, err := strconv.ParseInt(id, 10, 64)
	return strconv.FormatInt(n, 10), err == nil && n > 0
}

// cloudNotFound reports whether err means "no instance of yours": the
// module answers authorization-failed for another customer's instance.
func cloudNotFound(err error) bool {
	return NotFoundCode(err) || apperr.Is(err, apperr.CodeAuthorizationFailed)
}

// cloudFieldOf is the form field of the codes whose detail names none.
var cloudFieldOf = map[string]string{
	apperr.CodeInstancePasswordIncorrect:          "instance_password",
	apperr.CodePasswordTooShort:                   "instance_new_password",
	apperr.CodePasswordInvalid:                    "instance_new_password",
	apperr.CodeInstanceDisplayNameTooLong:         "custom_properties[display_name]",
	apperr.CodeInstanceNotesTooLong:               "custom_properties[notes]",
	apperr.CodeInstanceNegotiateCannotDecreaseHDD: "resources[hdd]",
	apperr.CodeInstanceBootIncorrectImage:         "installation_image",
	apperr.CodeTooManyFailedLogins:                "instance_password",
}

// cloudError returns err as the page shows it, at its field.
func (q *Req) cloudError(err error) *PageError {
	pe := q.Error(err)
	if pe.Field == "" {
		pe.Field = cloudFieldOf[pe.Code]
	}
	return pe
}

// cloudBlocked returns too-many-failed-logins when the client's address
// is blocked for failed logins (wrong instance passwords count).
func (q *Req) cloudBlocked() error {
	if q.S.Guard != nil && q.S.Guard.Blocked(q.Remote) > 0 {
		return apperr.New(apperr.CodeTooManyFailedLogins)
	}
	return nil
}

// cloudInvoke runs a command that takes the instance password.
func (q *Req) cloudInvoke(command string, params url.Values) error {
	if err := q.cloudBlocked(); err != nil {
		return err
	}
	_, err := q.Invoke(command, params)
	return err
}

// cloudKeepURL keeps the address bar where it was (htmx pushes a boosted
// form's POST address, which has no page of its own) for an answer that
// shows a failed form again.
func (q *Req) cloudKeepURL(status int) {
	if status == http.StatusUnprocessableEntity {
		q.W.Header().Set("HX-Push-Url", "false")
	}
}

// cloudDone returns key when it is a registered text, else "".
func cloudDone(key string) string {
	if _, ok := allTexts[key]; ok {
		return key
	}
	return ""
}

// cloudListView is the list page's data.
type cloudListView struct {
	Instances []artnet.CloudInstance
}

func cloudList(q *Req) {
	v := &View{Title: "cloud.title", Nav: "cloud", Done: cloudDone(q.R.URL.Query().Get("done"))}
	resp, err := q.Invoke("cloud-instance/list", nil)
	if err != nil {
		v.Err = q.Error(err)
		q.Render(http.StatusInternalServerError, "cloud.html", v)
		return
	}
	v.Data = &cloudListView{Instances: resp.(artnet.CloudInstancesListResponse).InstancesList}
	q.Render(http.StatusOK, "cloud.html", v)
}

// cloudView is the details page's data.
type cloudView struct {
	Inst    artnet.CloudInstanceDetails
	Images  []artnet.InstallationImage
	Actions []struct{ Action, Ask string }
}

// Title is the instance's name as pages show it.
func (v *cloudView) Title() string { return cloudTitle(v.Inst.CloudInstance) }

func cloudTitle(i artnet.CloudInstance) string {
	if i.CustomName != "" {
		return i.CustomName
	}
	return i.Name
}

// cloudLoad reads instance id (details and installation images).
func (q *Req) cloudLoad(id string) (*cloudView, error) {
	p := url.Values{"instance_id": {id}}
	resp, err := q.Invoke("cloud-instance/details", p)
	if err != nil {
		return nil, err
	}
	v := &cloudView{Inst: resp.(artnet.CloudInstanceDetailsResponse).InstanceDetails, Actions: cloudPowerActions}
	resp, err = q.Invoke("cloud-instance/boot-installation-images-list", p)
	if err != nil {
		return nil, err
	}
	v.Images = resp.(artnet.InstallationImagesListResponse).InstallationImagesList
	return v, nil
}

// cloudFail answers a failure to read an instance: 404 for one that is
// not the customer's, else the error.
func (q *Req) cloudFail(err error) {
	if cloudNotFound(err) {
		q.NotFound()
		return
	}
	q.Render(http.StatusInternalServerError, "cloud_instance.html", &View{Title: "cloud.details", Nav: "cloud", Err: q.Error(err)})
}

func cloudDetails(q *Req) {
	id, ok := cloudID(q)
	if !ok {
		q.NotFound()
		return
	}
	q.renderCloud(http.StatusOK, id, nil, nil, cloudDone(q.R.URL.Query().Get("done")))
}

// renderCloud renders the details page; after a failed form, pe is its
// error and posted its values (with "form": which form; never a password).
func (q *Req) renderCloud(status int, id string, pe *PageError, posted url.Values, done string) {
	v, err := q.cloudLoad(id)
	if err != nil {
		q.cloudFail(err)
		return
	}
	q.cloudKeepURL(status)
	q.Render(status, "cloud_instance.html", &View{Title: "cloud.details", Nav: "cloud", Data: v, Err: pe, Form: posted, Done: done})
}

// cloudConfirmView is the confirmation page's data.
type cloudConfirmView struct {
	Inst     artnet.CloudInstanceDetails
	Question string // text key, with the instance's name for %s
	Action   string // the form's action
	Button   string // text key of the confirming button
	// Hidden are the form's other values (never a password).
	Hidden [][2]string
	// Res and Price are the resources a negotiate asks for and their
	// price (nil: not a negotiate); Image is the label of the image a
	// boot mode change boots ("": from the disk or not a boot change).
	Res   *artnet.InstanceResources
	Price *artnet.PriceResources
	Image string
}

// Title is the instance's name as pages show it.
func (v *cloudConfirmView) Title() string { return cloudTitle(v.Inst.CloudInstance) }

// renderConfirm renders the confirmation page of a form: hidden are its
// values to carry (confirmed and from are added).
func (q *Req) renderConfirm(status int, id, title, question, action, button string, hidden [][2]string, pe *PageError) {
	resp, err := q.Invoke("cloud-instance/details", url.Values{"instance_id": {id}})
	if err != nil {
		q.cloudFail(err)
		return
	}
	v := &cloudConfirmView{Inst: resp.(artnet.CloudInstanceDetailsResponse).InstanceDetails, Question: question,
		Action: action, Button: button, Hidden: append(hidden, [2]string{"confirmed", "1"}, [2]string{"from", "confirm"})}
	vals := map[string]string{}
	for _, h := range hidden {
		vals[h[0]] = h[1]
	}
	if question == "cloud.ask.negotiate" {
		// What is asked for: the posted values, the instance's for the
		// others (as the command does), and its price.
		r := v.Inst.Resources
		res := url.Values{}
		for _, f := range []struct {
			name string
			dst  *int64
		}{{"cpu", &r.CPUCores}, {"ram", &r.RAM}, {"hdd", &r.HDD}, {"bandwidth", &r.Bandwidth}} {
			if s := vals["resources["+f.name+"]"]; s != "" {
				res.Set("resources["+f.name+"]", s)
				if n, err := strconv.ParseInt(s, 10, 64); err == nil {
					*f.dst = n
				}
			}
		}
		v.Res = &r
		v.Price, _ = q.cloudPriceOf(id, res)
	}
	if vals["mode"] == artnet.BootStatusInstall {
		if resp, err := q.Invoke("cloud-instance/boot-installation-images-list", url.Values{"instance_id": {id}}); err == nil {
			for _, img := range resp.(artnet.InstallationImagesListResponse).InstallationImagesList {
				if img.Image == vals["installation_image"] {
					v.Image = img.Label
				}
			}
		}
	}
	q.cloudKeepURL(status)
	q.Render(status, "cloud_confirm.html", &View{Title: title, Nav: "cloud", Data: v, Err: pe})
}

// cloudConfirmed reports whether a form that stops or restarts the
// machine was confirmed (data-confirm with JavaScript, or the
// confirmation page).
func cloudConfirmed(q *Req) bool { return q.R.PostFormValue("confirmed") == "1" }

// cloudFromConfirm reports whether the form was sent from the
// confirmation page (a failure shows that page again).
func cloudFromConfirm(q *Req) bool { return q.R.PostFormValue("from") == "confirm" }

// cloudConfirmPage is the confirmation page of one form (renderConfirm's
// arguments).
type cloudConfirmPage struct {
	title, question, action, button string
	hidden                          [][2]string
}

// render renders the page for instance id with status and error pe.
func (c *cloudConfirmPage) render(q *Req, status int, id string, pe *PageError) {
	q.renderConfirm(status, id, c.title, c.question, c.action, c.button, c.hidden, pe)
}

// cloudFailed answers a form whose command failed: 404 for an instance
// that is not the customer's; else the error on the page the form was
// sent from: its confirmation page (confirm, nil for a form without one)
// or the details page with posted (the form's values, never a password).
func (q *Req) cloudFailed(id string, err error, confirm *cloudConfirmPage, posted url.Values) {
	switch {
	case cloudNotFound(err):
		q.NotFound()
	case confirm != nil && cloudFromConfirm(q):
		confirm.render(q, http.StatusUnprocessableEntity, id, q.cloudError(err))
	default:
		q.renderCloud(http.StatusUnprocessableEntity, id, q.cloudError(err), posted, "")
	}
}

func cloudPower(q *Req) {
	id, ok := cloudID(q)
	action := q.R.PostFormValue("action")
	command, known := cloudPowerCommands[action]
	if !ok || !known {
		q.NotFound()
		return
	}
	ask := cloudAsk(action)
	confirm := &cloudConfirmPage{"cloud.confirm.title", ask, "/cloud/" + id + "/power", "cloud." + action, [][2]string{{"action", action}}}
	if ask != "" && !cloudConfirmed(q) {
		confirm.render(q, http.StatusOK, id, nil)
		return
	}
	err := q.cloudInvoke(command, url.Values{"instance_id": {id}, "instance_password": {q.R.PostFormValue("instance_password")}})
	if err != nil {
		q.cloudFailed(id, err, confirm, url.Values{"form": {"power"}})
		return
	}
	q.Redirect("/cloud/" + id + "?done=cloud.done." + action)
}

func cloudBoot(q *Req) {
	id, ok := cloudID(q)
	if !ok {
		q.NotFound()
		return
	}
	mode := q.R.PostFormValue("mode")
	image := q.R.PostFormValue("installation_image")
	shutdown := "false"
	if q.R.PostFormValue("shutdown") == "true" {
		shutdown = "true"
	}
	confirm := &cloudConfirmPage{"cloud.confirm.title", "cloud.ask.boot", "/cloud/" + id + "/boot", "cloud.boot.set",
		[][2]string{{"mode", mode}, {"installation_image", image}, {"shutdown", shutdown}}}
	if !cloudConfirmed(q) {
		confirm.render(q, http.StatusOK, id, nil)
		return
	}
	params := url.Values{"instance_id": {id}, "instance_password": {q.R.PostFormValue("instance_password")}, "shutdown": {shutdown}}
	command, done := "cloud-instance/boot-mode-boot", "cloud.done.boot"
	if mode == artnet.BootStatusInstall {
		command, done = "cloud-instance/boot-mode-installation-image", "cloud.done.install"
		params.Set("installation_image", image)
	}
	if err := q.cloudInvoke(command, params); err != nil {
		q.cloudFailed(id, err, confirm, url.Values{"form": {"boot"}, "mode": {mode}, "installation_image": {image}, "shutdown": {shutdown}})
		return
	}
	q.Redirect("/cloud/" + id + "?done=" + done)
}

func cloudProperties(q *Req) {
	id, ok := cloudID(q)
	if !ok {
		q.NotFound()
		return
	}
	name, notes := q.R.PostFormValue("custom_properties[display_name]"), q.R.PostFormValue("custom_properties[notes]")
	_, err := q.Invoke("cloud-instance/custom-properties-edit", url.Values{"instance_id": {id},
		"custom_properties[display_name]": {name}, "custom_properties[notes]": {notes}})
	if err != nil {
		q.cloudFailed(id, err, nil, url.Values{"form": {"props"},
			"custom_properties[display_name]": {name}, "custom_properties[notes]": {notes}})
		return
	}
	q.Redirect("/cloud/" + id + "?done=cloud.done.props")
}

func cloudPassword(q *Req) {
	id, ok := cloudID(q)
	if !ok {
		q.NotFound()
		return
	}
	newPW := q.R.PostFormValue("instance_new_password")
	var err error
	if newPW != q.R.PostFormValue("instance_new_password_repeat") {
		// Checked after the instance is known to be the customer's.
		if _, err = q.Invoke("cloud-instance/details", url.Values{"instance_id": {id}}); err == nil {
			q.renderCloud(http.StatusUnprocessableEntity, id, &PageError{Text: q.T("cloud.pw.mismatch"), Field: "instance_new_password_repeat"},
				url.Values{"form": {"password"}}, "")
			return
		}
	} else {
		err = q.cloudInvoke("cloud-instance/password-change", url.Values{"instance_id": {id},
			"instance_password": {q.R.PostFormValue("instance_password")}, "instance_new_password": {newPW}})
	}
	if err != nil {
		q.cloudFailed(id, err, nil, url.Values{"form": {"password"}})
		return
	}
	q.Redirect("/cloud/" + id + "?done=cloud.done.password")
}

func cloudDeleteConfirm(q *Req) {
	id, ok := cloudID(q)
	if !ok {
		q.NotFound()
		return
	}
	cloudDeletePage(id).render(q, http.StatusOK, id, nil)
}

// cloudDeletePage is the confirmation page of deleting instance id (the
// only way to delete: its errors are shown there too).
func cloudDeletePage(id string) *cloudConfirmPage {
	return &cloudConfirmPage{"cloud.delete.title", "cloud.ask.delete", "/cloud/" + id + "/delete", "cloud.delete.yes", nil}
}

func cloudDelete(q *Req) {
	id, ok := cloudID(q)
	if !ok {
		q.NotFound()
		return
	}
	err := q.cloudInvoke("cloud-instance/delete", url.Values{"instance_id": {id}, "instance_password": {q.R.PostFormValue("instance_password")}})
	if err != nil {
		if cloudNotFound(err) {
			q.NotFound()
			return
		}
		cloudDeletePage(id).render(q, http.StatusUnprocessableEntity, id, q.cloudError(err))
		return
	}
	q.Redirect("/cloud?done=cloud.done.deleted")
}

// cloudResource is one resource's input on the resources page.
type cloudResource struct {
	Name  string // "cpu", "ram", "hdd", "bandwidth" (the form's resources[Name])
	Label string // text key
	Range artnet.ResourceRange
	Min   int64  // the input's min (the disk: never below the current size)
	Value string // the value shown
}

// cloudResourcesView is the resources page's data (and the price
// partial's: Price, PriceErr).
type cloudResourcesView struct {
	Inst      artnet.CloudInstanceDetails
	Resources []cloudResource
	Price     *artnet.PriceResources
	PriceErr  string
	Shutdown  bool
	// Key is the Idempotency-Key the negotiate form sends.
	Key string
}

// Title is the instance's name as pages show it.
func (v *cloudResourcesView) Title() string { return cloudTitle(v.Inst.CloudInstance) }

// cloudResourceNames are the resources in page order.
var cloudResourceNames = []string{"cpu", "ram", "hdd", "bandwidth"}

// cloudPostedResources returns the posted resources[...] values (empty
// ones left out: the command takes the instance's).
func cloudPostedResources(q *Req) url.Values {
	out := url.Values{}
	for _, n := range cloudResourceNames {
		if v := q.R.PostFormValue("resources[" + n + "]"); v != "" {
			out.Set("resources["+n+"]", v)
		}
	}
	return out
}

// cloudPriceOf runs resources-calculate-price for instance id.
func (q *Req) cloudPriceOf(id string, res url.Values) (*artnet.PriceResources, error) {
	p := url.Values{"instance_id": {id}}
	for k, v := range res {
		p[k] = v
	}
	resp, err := q.Invoke("cloud-instance/resources-calculate-price", p)
	if err != nil {
		return nil, err
	}
	pr := resp.(artnet.PriceResourcesResponse).PriceResources
	return &pr, nil
}

// cloudResourcesLoad reads the instance and its ranges and fills the
// inputs with posted (nil: the instance's resources).
func (q *Req) cloudResourcesLoad(id string, posted url.Values) (*cloudResourcesView, error) {
	p := url.Values{"instance_id": {id}}
	resp, err := q.Invoke("cloud-instance/details", p)
	if err != nil {
		return nil, err
	}
	v := &cloudResourcesView{Inst: resp.(artnet.CloudInstanceDetailsResponse).InstanceDetails, Key: newToken()}
	resp, err = q.Invoke("cloud-instance/resources-allowed-ranges", p)
	if err != nil {
		return nil, err
	}
	rg := resp.(artnet.ResourcesRangesResponse).ResourcesRanges
	cur := v.Inst.Resources
	for _, r := range []cloudResource{
		{Name: "cpu", Label: "cloud.cpu", Range: rg.CPU, Value: strconv.FormatInt(cur.CPUCores, 10)},
		{Name: "ram", Label: "cloud.ram", Range: rg.RAM, Value: strconv.FormatInt(cur.RAM, 10)},
		{Name: "hdd", Label: "cloud.hdd", Range: rg.HDD, Value: strconv.FormatInt(cur.HDD, 10)},
		{Name: "bandwidth", Label: "cloud.bandwidth", Range: rg.Bandwidth, Value: strconv.FormatInt(cur.Bandwidth, 10)},
	} {
		r.Min = r.Range.Min
		if r.Name == "hdd" && cur.HDD > r.Min {
			r.Min = cur.HDD
		}
		if posted != nil {
			if _, ok := posted["resources["+r.Name+"]"]; ok {
				r.Value = posted.Get("resources[" + r.Name + "]")
			}
		}
		v.Resources = append(v.Resources, r)
	}
	return v, nil
}

func cloudResources(q *Req) {
	id, ok := cloudID(q)
	if !ok {
		q.NotFound()
		return
	}
	v, err := q.cloudResourcesLoad(id, nil)
	if err == nil {
		v.Price, err = q.cloudPriceOf(id, nil)
	}
	if err != nil {
		q.cloudFail(err)
		return
	}
	q.Render(http.StatusOK, "cloud_resources.html", &View{Title: "cloud.res.title", Nav: "cloud", Data: v,
		Done: cloudDone(q.R.URL.Query().Get("done"))})
}

// cloudResourcesPost calculates the price of the posted resources (the
// "calculate" button: the page without JavaScript) or negotiates them.
func cloudResourcesPost(q *Req) {
	id, ok := cloudID(q)
	if !ok {
		q.NotFound()
		return
	}
	res := cloudPostedResources(q)
	shutdown := q.R.PostFormValue("shutdown") == "true"
	render := func(status int, pe *PageError, done string) {
		v, err := q.cloudResourcesLoad(id, res)
		if err != nil {
			q.cloudFail(err)
			return
		}
		v.Shutdown = shutdown
		if v.Price, err = q.cloudPriceOf(id, res); err != nil {
			if cloudNotFound(err) {
				q.NotFound()
				return
			}
			v.PriceErr = q.cloudError(err).Text
		}
		form := url.Values{"form": {"resources"}}
		for k, vs := range res {
			form[k] = vs
		}
		q.cloudKeepURL(status)
		q.Render(status, "cloud_resources.html", &View{Title: "cloud.res.title", Nav: "cloud", Data: v, Err: pe, Form: form, Done: done})
	}
	if q.R.PostFormValue("calculate") != "" {
		if _, err := q.cloudPriceOf(id, res); err != nil {
			if cloudNotFound(err) {
				q.NotFound()
				return
			}
			render(http.StatusUnprocessableEntity, q.cloudError(err), "")
			return
		}
		render(http.StatusOK, nil, "cloud.res.computed")
		return
	}
	key := q.R.PostFormValue("idempotency_key")
	confirmPage := func(key string) *cloudConfirmPage {
		hidden := [][2]string{{"idempotency_key", key}, {"shutdown", strconv.FormatBool(shutdown)}}
		for _, n := range cloudResourceNames {
			hidden = append(hidden, [2]string{"resources[" + n + "]", res.Get("resources[" + n + "]")})
		}
		return &cloudConfirmPage{"cloud.confirm.title", "cloud.ask.negotiate", "/cloud/" + id + "/resources", "cloud.res.negotiate", hidden}
	}
	if !cloudConfirmed(q) {
		confirmPage(key).render(q, http.StatusOK, id, nil)
		return
	}
	params := url.Values{"instance_id": {id}, "instance_password": {q.R.PostFormValue("instance_password")},
		"shutdown": {strconv.FormatBool(shutdown)}}
	for k, vs := range res {
		params[k] = vs
	}
	err := q.cloudBlocked()
	if err == nil {
		err = q.invokeOrder("cloud-instance/resources-negotiate", params, key, nil)
	}
	switch {
	case err == nil:
	case cloudNotFound(err):
		q.NotFound()
		return
	case cloudFromConfirm(q):
		// Sent from the confirmation page: the error is shown there. The
		// next try is a new request: the page gets a new key.
		confirmPage(newToken()).render(q, http.StatusUnprocessableEntity, id, q.cloudError(err))
		return
	default:
		// The next try is a new request: the form gets a new key.
		render(http.StatusUnprocessableEntity, q.cloudError(err), "")
		return
	}
	q.Redirect("/cloud/" + id + "?done=cloud.done.negotiated")
}

// cloudPricePartial answers the price element's content for the posted
// resources (htmx, as the customer changes the values).
func cloudPricePartial(q *Req) {
	id, ok := cloudID(q)
	if !ok {
		q.NotFound()
		return
	}
	v := &cloudResourcesView{}
	status := http.StatusOK
	pr, err := q.cloudPriceOf(id, cloudPostedResources(q))
	if err != nil {
		if cloudNotFound(err) {
			q.NotFound()
			return
		}
		status = http.StatusUnprocessableEntity
		v.PriceErr = q.cloudError(err).Text
	}
	v.Price = pr
	q.Render(status, "cloud_price.html", &View{Title: "cloud.res.title", Nav: "cloud", Data: v})
}
