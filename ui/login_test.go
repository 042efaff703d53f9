package ui

import (
	"context"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// enterKey types Enter in an entry.
func enterKey(e *widget.Entry) { e.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn}) }

// storeAccounts creates an administrator (c.martin / "admin-motdepasse")
// and a jury member (n.jury / "jury-motdepasse") in the fixture's database.
func storeAccounts(t *testing.T, f *fixture) (adminAcc, juryAcc *exam.Account) {
	t.Helper()
	adminAcc = &exam.Account{Login: "c.martin", Name: "Claire Martin", Role: exam.RoleAdmin}
	if err := f.accounts.CreateFirstAdmin(f.ctx, adminAcc, "admin-motdepasse"); err != nil {
		t.Fatal(err)
	}
	juryAcc = &exam.Account{Login: "n.jury", Name: "Nadia Jury", Role: exam.RoleJury}
	if err := f.accounts.CreateAccount(f.ctx, adminAcc.Actor(), juryAcc, "jury-motdepasse"); err != nil {
		t.Fatal(err)
	}
	return adminAcc, juryAcc
}

// login types a login and a password on the login screen and waits for
// the answer.
func login(f *fixture, user, pw string) {
	f.t.Helper()
	ls := f.mw.login
	ls.login.SetText(user)
	enterKey(ls.login)
	if f.mw.win.Canvas().Focused() != fyne.Focusable(ls.password) {
		f.t.Error("Enter in the login does not go to the password")
	}
	test.Type(ls.password, pw)
	enterKey(ls.password)
	f.waitFor("the login", func() bool { return !ls.busy })
}

// tabTexts names the tabs of a, "|"-separated.
func tabTexts(a *container.AppTabs) string {
	var s []string
	for _, it := range a.Items {
		s = append(s, it.Text)
	}
	return strings.Join(s, "|")
}

func TestFirstStart_CreatesTheAdministrator(t *testing.T) {
	storage.FastSecrets(t)
	f := newFixture(t)
	mw := f.build(f.deps())
	f.waitFor("the first start", func() bool { return mw.stage == stageFirstStart })
	fs := mw.first
	if mw.win.Canvas().Focused() != fyne.Focusable(fs.login) || fs.demo != nil {
		t.Error("the cursor is not in the login, or a demo button without LoadDemo")
	}
	test.Type(fs.login, "c martin")
	test.Type(fs.name, "Claire Martin")
	test.Type(fs.password, "court")
	test.Type(fs.confirm, "autre")
	test.Tap(fs.create)
	for field, want := range map[string]string{
		exam.FieldLogin:    "Un identifiant ne contient pas d'espace",
		exam.FieldPassword: "Au moins 8 caractères",
		fieldConfirm:       "Les deux mots de passe sont différents.",
	} {
		if l := fs.errs[field]; !l.Visible() || l.Text != want {
			t.Errorf("error under %s: %q (shown %v), want %q", field, l.Text, l.Visible(), want)
		}
	}
	if fs.errs[exam.FieldName].Visible() {
		t.Errorf("error under the name: %q", fs.errs[exam.FieldName].Text)
	}
	if has, _ := f.accounts.HasAccounts(f.ctx); has || mw.stage != stageFirstStart {
		t.Fatal("an account was created from a refused form")
	}

	fs.login.SetText("c.martin")
	if fs.errs[exam.FieldLogin].Visible() {
		t.Error("the login's error stays once it is edited")
	}
	fs.password.SetText("motdepasse-1")
	fs.confirm.SetText("motdepasse-1")
	enterKey(fs.confirm) // Enter in the confirmation creates the account
	f.waitFor("the administrator", func() bool { return mw.stage == stageWorking })
	if mw.win.Title() != "AMIS Jury — Claire Martin (administrateur)" || tabTexts(mw.tabs) != "Candidats|Sessions|Comptes" {
		t.Errorf("after the first start: %q, tabs %s", mw.win.Title(), tabTexts(mw.tabs))
	}
	acc, err := f.accounts.Login(f.ctx, "c.martin", "motdepasse-1")
	if err != nil || acc.Role != exam.RoleAdmin || acc.Name != "Claire Martin" || mw.account.ID != acc.ID {
		t.Fatalf("stored account %+v, %v (window's: %+v)", acc, err, mw.account)
	}
	if !strings.Contains(mw.status.Text, "Claire Martin (administrateur)") {
		t.Errorf("status bar %q", mw.status.Text)
	}
}

func TestFirstStart_DemoDataThenLogin(t *testing.T) {
	storage.FastSecrets(t)
	f := newFixture(t)
	d := f.deps()
	var loadedAs exam.Actor
	d.LoadDemo = func(ctx context.Context, a exam.Actor) error {
		loadedAs = a
		return f.accounts.CreateFirstAdmin(ctx, &exam.Account{Login: "admin", Name: "Admin Démo", Role: exam.RoleAdmin}, "admin-demo")
	}
	d.DemoAccounts = "Comptes de démonstration : admin / admin-demo (administrateur)."
	mw := f.build(d)
	f.waitFor("the first start", func() bool { return mw.stage == stageFirstStart })
	test.Tap(mw.first.demo)
	f.waitFor("the login screen", func() bool { return mw.stage == stageLogin })
	if loadedAs != exam.System {
		t.Errorf("demo loaded as %+v", loadedAs)
	}
	if h := mw.login.hint; !h.Visible() || h.Text != d.DemoAccounts {
		t.Errorf("hint %q shown %v", h.Text, h.Visible())
	}
	login(f, "admin", "admin-demo")
	if mw.stage != stageWorking || mw.account.Name != "Admin Démo" {
		t.Fatalf("after login: stage %v, %q", mw.stage, mw.login.message.Text)
	}
}

func TestLogin_WrongPasswordThrottleThenSuccess(t *testing.T) {
	storage.FastSecrets(t)
	f := newFixture(t)
	storeAccounts(t, f)
	mw := f.build(f.deps())
	f.waitFor("the login screen", func() bool { return mw.stage == stageLogin })
	if got := menuLabels(mw.win.MainMenu()); got != "Fichier|Quitter|Affichage|Langue|Aide|À propos" {
		t.Errorf("menu before login: %s", got)
	}
	ls := mw.login
	if mw.win.Canvas().Focused() != fyne.Focusable(ls.login) {
		t.Error("the cursor is not in the login")
	}
	// A wrong password, an unknown login: one and the same message.
	for _, try := range []struct{ user, pw string }{{"inconnu", "jury-motdepasse"}, {"n.jury", "mauvais-1"}, {"n.jury", "mauvais-2"}, {"n.jury", "mauvais-3"}} {
		login(f, try.user, try.pw)
		if mw.stage != stageLogin || ls.message.Text != "Identifiant ou mot de passe incorrect." || ls.password.Text != "" {
			t.Fatalf("%s/%s: stage %v, %q, password %q", try.user, try.pw, mw.stage, ls.message.Text, ls.password.Text)
		}
	}
	// Three failures in a row: the next attempt waits, counted down.
	login(f, "n.jury", "jury-motdepasse")
	if mw.stage != stageLogin || !regexp.MustCompile(`^Trop de tentatives : réessayez dans [12] s\.$`).MatchString(ls.message.Text) ||
		!ls.submit.Disabled() {
		t.Fatalf("throttled: stage %v, %q, button disabled %v", mw.stage, ls.message.Text, ls.submit.Disabled())
	}
	test.Type(ls.password, "jury-motdepasse")
	enterKey(ls.password) // refused at once while the button is off
	if ls.busy || mw.stage != stageLogin {
		t.Fatal("Enter logged in while throttled")
	}
	f.waitFor("the end of the wait", func() bool { return !ls.submit.Disabled() })
	if ls.message.Text != "Vous pouvez réessayer." {
		t.Errorf("after the wait: %q", ls.message.Text)
	}
	test.Tap(ls.submit)
	f.waitFor("the login", func() bool { return mw.stage == stageWorking })
	if mw.win.Title() != "AMIS Jury — Nadia Jury (membre du jury)" {
		t.Errorf("title %q", mw.win.Title())
	}
}

func TestLock_HidesEverythingAndUnlocksForTheSameUserOnly(t *testing.T) {
	storage.FastSecrets(t)
	f := newFixture(t)
	f.create(candidate("Dupont", "Marie", "01/02/1990"))
	storeAccounts(t, f)
	mw := f.build(f.deps())
	f.waitFor("the login screen", func() bool { return mw.stage == stageLogin })
	login(f, "n.jury", "jury-motdepasse")
	f.waitFor("the list", func() bool { return mw.candidates != nil && len(mw.candidates.items) == 1 })
	mw.onAbout()
	if mw.win.Canvas().Overlays().Top() == nil {
		t.Fatal("no dialog")
	}

	f.shortcut(shortcutLock)
	if mw.stage != stageLocked || mw.win.Canvas().Overlays().Top() != nil {
		t.Fatalf("locked: stage %v, dialog shown %v", mw.stage, mw.win.Canvas().Overlays().Top() != nil)
	}
	shown := canvasTexts(mw.win.Canvas().Content())
	for _, hidden := range []string{"DUPONT", "Candidats", "À propos d'AMIS Jury"} {
		if strings.Contains(shown, hidden) {
			t.Errorf("the lock screen shows %q:\n%s", hidden, shown)
		}
	}
	if !strings.Contains(shown, "L'écran de Nadia Jury (membre du jury) est verrouillé.") {
		t.Errorf("lock screen:\n%s", shown)
	}
	if got := menuLabels(mw.win.MainMenu()); got != "Fichier|Quitter|Affichage|Langue|Aide|À propos" {
		t.Errorf("menu while locked: %s", got)
	}
	f.shortcut(shortcutSearch) // no shortcut reaches the hidden screens
	if mw.stage != stageLocked {
		t.Fatal("a shortcut left the lock screen")
	}

	// Another user's password does not open it, the right one does.
	lk := mw.lock
	test.Type(lk.password, "admin-motdepasse")
	enterKey(lk.password)
	f.waitFor("the check", func() bool { return !lk.busy })
	if mw.stage != stageLocked || lk.message.Text != "Identifiant ou mot de passe incorrect." {
		t.Fatalf("another password: stage %v, %q", mw.stage, lk.message.Text)
	}
	test.Type(lk.password, "jury-motdepasse")
	test.Tap(lk.submit)
	f.waitFor("the unlock", func() bool { return mw.stage == stageWorking })
	if mw.win.Canvas().Overlays().Top() == nil || !strings.Contains(canvasTexts(mw.win.Canvas().Content()), "DUPONT") {
		t.Error("the screens or the dialog did not come back")
	}
}

func TestLock_SwitchUserAsksBeforeDroppingEdits(t *testing.T) {
	storage.FastSecrets(t)
	f := newFixture(t)
	storeAccounts(t, f)
	mw := f.build(f.deps())
	f.waitFor("the login screen", func() bool { return mw.stage == stageLogin })
	login(f, "c.martin", "admin-motdepasse")
	f.waitFor("the screens", func() bool { return mw.candidates != nil && !mw.candidates.searching })
	mw.candidates.birthName.SetText("Brouillon-Secret")
	f.shortcut(shortcutLock)
	test.Tap(mw.lock.switcher)
	cd, ok := mw.dialog.(*dialog.ConfirmDialog)
	if !ok || !strings.Contains(overlayOf(mw), "Claire Martin a des modifications non enregistrées") {
		t.Fatalf("no confirmation: %T %q", mw.dialog, overlayOf(mw))
	}
	cd.Dismiss() // Annuler: still locked, edits kept
	if mw.stage != stageLocked || mw.candidates.birthName.Text != "Brouillon-Secret" {
		t.Fatal("Annuler dropped the edits")
	}
	test.Tap(mw.lock.switcher)
	mw.dialog.(*dialog.ConfirmDialog).Confirm()
	if mw.stage != stageLogin || mw.candidates != nil || mw.account != nil {
		t.Fatalf("after the switch: stage %v", mw.stage)
	}
	login(f, "n.jury", "jury-motdepasse")
	f.waitFor("the jury's screens", func() bool { return mw.candidates != nil && !mw.candidates.searching })
	if text := canvasTexts(mw.win.Canvas().Content()); strings.Contains(text, "Brouillon-Secret") || tabTexts(mw.tabs) != "Candidats|Sessions" {
		t.Errorf("the jury sees the administrator's screen (tabs %s)", tabTexts(mw.tabs))
	}
}

// overlayOf is the text of the top dialog of the window.
func overlayOf(mw *mainWindow) string {
	top := mw.win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	return canvasTexts(top)
}

func TestChangePassword_ByTheUser(t *testing.T) {
	storage.FastSecrets(t)
	f := newFixture(t)
	_, juryAcc := storeAccounts(t, f)
	mw := f.build(f.deps())
	f.waitFor("the login screen", func() bool { return mw.stage == stageLogin })
	login(f, "n.jury", "jury-motdepasse")
	mw.onChangePassword()
	fd := mw.dialog
	entries := []*widget.Entry{}
	for _, o := range test.LaidOutObjects(mw.win.Canvas().Overlays().Top()) {
		if e, ok := o.(*widget.Entry); ok && e.Password {
			entries = append(entries, e)
		}
	}
	if len(entries) != 3 || fd == nil {
		t.Fatalf("%d password entries", len(entries))
	}
	entries[0].SetText("faux-mot-de-passe")
	entries[1].SetText("nouveau-secret")
	entries[2].SetText("nouveau-secret")
	var confirm *widget.Button
	for _, o := range test.LaidOutObjects(mw.win.Canvas().Overlays().Top()) {
		if b, ok := o.(*widget.Button); ok && b.Text == "Changer" {
			confirm = b
		}
	}
	test.Tap(confirm)
	f.waitIdle()
	if !strings.Contains(overlayOf(mw), "Le mot de passe actuel est incorrect.") {
		t.Fatalf("wrong current password: %q", overlayOf(mw))
	}
	entries[0].SetText("jury-motdepasse")
	test.Tap(confirm)
	f.waitIdle()
	if _, err := f.accounts.Login(f.ctx, juryAcc.Login, "nouveau-secret"); err != nil {
		t.Fatalf("the new password does not log in: %v", err)
	}
}

func TestRoles_EachRoleGetsItsScreensOnly(t *testing.T) {
	sf := newSessionFixture(t)
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	s := sf.session(exam.KindCertification, []*exam.Candidate{a}, nil, true)
	d := sf.deps()
	d.Import = func(context.Context, exam.Actor, string, exam.ImportProgress) (*exam.ImportReport, error) {
		return nil, nil
	}
	d.Export = func(context.Context, exam.Actor, []int64, bool, ExportFormat, string, func(int, int)) error {
		return nil
	}

	// The administrator: candidates, sessions (prepared, read), accounts;
	// no timer, grading, deliberation, signature, absence or incident.
	sf.as = admin
	v := sf.openSession(s.ID)
	mw := sf.mw
	if tabTexts(mw.tabs) != "Candidats|Sessions|Comptes" || tabTexts(v.tabs) != "Préparation|Journée|Procès-verbal" {
		t.Errorf("administrator: %s / %s", tabTexts(mw.tabs), tabTexts(v.tabs))
	}
	sf.show(v, v.dayTab)
	if r := v.day.rows[a.ID]; r.absent.Visible() || r.incident.Visible() || v.day.sessionIncident.Visible() {
		t.Error("Absent / Incident offered to the administrator")
	}
	sf.show(v, v.pvTab)
	sf.waitFor("the PV", func() bool { return v.pv.loaded })
	for _, b := range v.pv.signButtons {
		if b.Visible() {
			t.Error("Signer offered to the administrator")
		}
	}
	if got := menuLabels(mw.win.MainMenu()); !strings.Contains(got, "Exporter pour le certificateur…") || !strings.Contains(got, "Importer…") {
		t.Errorf("administrator's menu: %s", got)
	}

	// A jury member: the candidates read-only, every sub-screen of a session.
	v = sf.switchTo(jury, s.ID)
	mw = sf.mw
	if tabTexts(mw.tabs) != "Candidats|Sessions" || tabTexts(v.tabs) != "Préparation|Journée|Chronomètre|Évaluation|Délibération|Procès-verbal" {
		t.Errorf("jury: %s / %s", tabTexts(mw.tabs), tabTexts(v.tabs))
	}
	if mw.sessions.newButton.Visible() {
		t.Error("Nouvelle session offered to the jury")
	}
	cs := mw.candidates
	cs.list.Select(0)
	sf.waitFor("the candidate", func() bool { return cs.current != nil })
	if !cs.readOnly || !cs.birthName.Disabled() || cs.birthName.Text != "DUPONT" {
		t.Errorf("jury's candidate form: read-only %v, disabled %v, %q", cs.readOnly, cs.birthName.Disabled(), cs.birthName.Text)
	}
	text := strings.Join(texts(cs.content), "|")
	for _, w := range []string{"Importer…", "Enregistrer", "Supprimer", "Nouveau candidat"} {
		if strings.Contains(text, w) {
			t.Errorf("the jury's candidate screen offers %q", w)
		}
	}
	if got := menuLabels(mw.win.MainMenu()); strings.Contains(got, "Exporter") || strings.Contains(got, "Nouveau") || strings.Contains(got, "Importer") {
		t.Errorf("jury's menu: %s", got)
	}

	// The referent: the accommodations, nothing else.
	mw.logout()
	sf.enter(referent)
	if tabTexts(mw.tabs) != "Aménagements" || mw.candidates != nil || mw.sessions != nil || mw.accounts != nil {
		t.Errorf("referent: %s", tabTexts(mw.tabs))
	}
	if got := menuLabels(mw.win.MainMenu()); got != "Fichier|Enregistrer|Quitter|Affichage|Aménagements|Rechercher un candidat|Langue|"+
		"Utilisateur|Rémi Référent (référent handicap)|Verrouiller|Changer d'utilisateur…|Changer mon mot de passe…|Aide|À propos" {
		t.Errorf("referent's menu: %s", got)
	}
}

func TestAccounts_CreateChangeRoleDisableAndReset(t *testing.T) {
	storage.FastSecrets(t)
	f := newFixture(t)
	adminAcc, _ := storeAccounts(t, f)
	f.openAs(f.deps(), adminAcc.Actor())
	mw := f.mw
	mw.tabs.Select(mw.accountsTab)
	s := mw.accounts
	f.waitFor("the accounts", func() bool { return !s.listing })
	if s.count.Text != "2 comptes" {
		t.Errorf("count %q", s.count.Text)
	}
	f.shortcut(shortcutNew) // Ctrl+N on the tab: a new account
	if s.current != nil || s.title.Text != "Nouveau compte" || !s.pwRows[1].Visible() {
		t.Fatalf("new account form: %q", s.title.Text)
	}
	test.Type(s.login, "r.roux")
	test.Type(s.name, "Isabelle Roux")
	s.role.SetSelected("Référent handicap")
	test.Type(s.password, "court")
	test.Tap(s.saveButton)
	if l := s.errs[exam.FieldPassword]; !l.Visible() || l.Text != "Au moins 8 caractères" {
		t.Errorf("password error %q", l.Text)
	}
	s.password.SetText("referent-secret")
	s.confirm.SetText("referent-secret")
	test.Tap(s.saveButton)
	f.waitFor("the save", func() bool { return !s.saving })
	if s.status.Text != "Enregistré." || s.current == nil || s.login.Disabled() == false {
		t.Fatalf("after save: %q", s.status.Text)
	}
	acc, err := f.accounts.Login(f.ctx, "r.roux", "referent-secret")
	if err != nil || acc.Role != exam.RoleReferent || acc.Name != "Isabelle Roux" {
		t.Fatalf("stored: %+v, %v", acc, err)
	}
	f.waitFor("the list", func() bool { return s.count.Text == "3 comptes" })

	// The same login again: refused, said in one sentence.
	test.Tap(s.newButton)
	test.Type(s.login, "R.ROUX")
	test.Type(s.name, "Autre")
	test.Type(s.password, "referent-secret")
	test.Type(s.confirm, "referent-secret")
	test.Tap(s.saveButton)
	f.waitFor("the refusal", func() bool { return !s.saving })
	if !strings.Contains(s.status.Text, "est déjà utilisé") || s.status.Importance != widget.DangerImportance {
		t.Errorf("duplicate login: %q", s.status.Text)
	}
	s.dirty = false

	// Change the role, then disable: the account no longer logs in.
	for i, it := range s.items {
		if it.Login == "r.roux" {
			s.list.Select(i)
		}
	}
	if s.current == nil || s.current.Login != "r.roux" || s.pwRows[1].Visible() {
		t.Fatalf("selected %+v", s.current)
	}
	s.role.SetSelected("Membre du jury")
	s.disabled.SetChecked(true)
	test.Tap(s.saveButton)
	f.waitFor("the save", func() bool { return !s.saving })
	if _, err := f.accounts.Login(f.ctx, "r.roux", "referent-secret"); exam.ErrorCode(err) != exam.EAUTH {
		t.Errorf("a disabled account logs in: %v", err)
	}
	s.disabled.SetChecked(false)
	test.Tap(s.saveButton)
	f.waitFor("the save", func() bool { return !s.saving })

	// Réinitialiser le mot de passe…
	test.Tap(s.resetButton)
	fd := s.reset
	var pw []*widget.Entry
	for _, o := range test.LaidOutObjects(mw.win.Canvas().Overlays().Top()) {
		if e, ok := o.(*widget.Entry); ok && e.Password {
			pw = append(pw, e)
		}
	}
	pw[0].SetText("nouveau-secret")
	pw[1].SetText("nouveau-secret")
	test.Tap(fd.confirm)
	f.waitFor("the reset", func() bool { return fd.closed })
	if s.status.Text != "Mot de passe de Isabelle Roux réinitialisé." {
		t.Errorf("status %q", s.status.Text)
	}
	acc, err = f.accounts.Login(f.ctx, "r.roux", "nouveau-secret")
	if err != nil || acc.Role != exam.RoleJury {
		t.Errorf("after reset: %+v, %v", acc, err)
	}

	// The last administrator cannot demote themself.
	for i, it := range s.items {
		if it.Login == "c.martin" {
			s.list.Select(i)
		}
	}
	s.role.SetSelected("Membre du jury")
	test.Tap(s.saveButton)
	f.waitFor("the refusal", func() bool { return !s.saving })
	if !strings.Contains(s.status.Text, "dernier administrateur actif") {
		t.Errorf("last admin: %q", s.status.Text)
	}
}
