package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

func TestMainWindow_MenuAndAbout(t *testing.T) {
	sf := newSessionFixture(t)
	f := sf.fixture
	d := sf.deps()
	d.TemplateXLSX = []byte("x")
	f.open(d)
	w := f.mw.win
	if w.Title() != "AMIS Jury — Claire Test (administrateur)" {
		t.Errorf("title = %q", w.Title())
	}
	got := menuLabels(w.MainMenu())
	want := "Fichier|Nouveau candidat|Enregistrer|Importer…|Modèle d'import…|Exporter pour le certificateur…|Quitter|" +
		"Affichage|Candidats|Sessions|Comptes|Écran suivant de la session|Écran précédent de la session|Rechercher un candidat|Langue|" +
		"Utilisateur|Claire Test (administrateur)|Verrouiller|Changer d'utilisateur…|Changer mon mot de passe…|Aide|À propos"
	if got != want {
		t.Errorf("menus = %s\nwant    %s", got, want)
	}
	if it := w.MainMenu().Items[0].Items[3]; !it.Disabled || it.Label != "Importer…" {
		t.Errorf("Importer… enabled without Deps.Import")
	}

	f.mw.onAbout()
	text := f.overlayText()
	for _, w := range []string{"À propos d'AMIS Jury", "version 1.2.3-test", f.db.Path(), "RNCP37722 (AMIS), version " + f.ref.Version} {
		if !strings.Contains(text, w) {
			t.Errorf("about lacks %q:\n%s", w, text)
		}
	}
}

// menuLabels is every label of the menu, "|"-separated.
func menuLabels(menu *fyne.MainMenu) string {
	var labels []string
	for _, m := range menu.Items {
		labels = append(labels, m.Label)
		for _, it := range m.Items {
			if !it.IsSeparator {
				labels = append(labels, it.Label)
			}
		}
	}
	return strings.Join(labels, "|")
}

func TestMainWindow_LanguageAppliesAtNextStart(t *testing.T) {
	f := newFixture(t)
	f.open(f.deps())
	if !f.mw.langItems[LangFrench].Checked || f.mw.langItems[LangEnglish].Checked {
		t.Error("Français is not ticked")
	}
	f.mw.onLanguage(LangEnglish)
	if got := f.app.Preferences().String("language"); got != "en" {
		t.Errorf("preference language = %q", got)
	}
	if got := NewSettings(f.app.Preferences()).Language(); got != LangEnglish {
		t.Errorf("Settings.Language = %q", got)
	}
	if !f.mw.langItems[LangEnglish].Checked || f.mw.langItems[LangFrench].Checked {
		t.Error("English is not ticked")
	}
	if text := f.overlayText(); !strings.Contains(text, "L'interface sera en English au prochain démarrage d'AMIS Jury.") {
		t.Errorf("dialog = %q", text)
	}
	// The strings of the open window do not change before the restart.
	if f.s.saveButton.Text != "Enregistrer" {
		t.Errorf("save button = %q", f.s.saveButton.Text)
	}
}

func TestMainWindow_UnsavedEditsAskBeforeNew(t *testing.T) {
	f := newFixture(t)
	s := f.open(f.deps())
	s.birthName.SetText("Dupont")
	f.shortcut(shortcutNew)
	if !strings.Contains(f.overlayText(), "Les abandonner ?") {
		t.Fatalf("no confirmation: %q", f.overlayText())
	}
	if s.birthName.Text != "Dupont" {
		t.Fatal("the form was emptied before the answer")
	}
	if c, ok := s.dialog.(interface{ Confirm() }); ok {
		c.Confirm()
	} else {
		t.Fatalf("dialog %T", s.dialog)
	}
	if s.birthName.Text != "" || s.dirty || f.mw.win.Canvas().Focused() != fyne.Focusable(s.number) {
		t.Errorf("after confirming: %q, dirty %v", s.birthName.Text, s.dirty)
	}
}

func TestMainWindow_TabOrder(t *testing.T) {
	f := newFixture(t)
	f.create(candidate("Dupont", "Marie", "01/02/1990"))
	s := f.open(f.deps())
	c := f.mw.win.Canvas()
	next := func() fyne.Focusable {
		test.FocusNext(c)
		return c.Focused()
	}
	c.Focus(s.search)
	for i, want := range []fyne.Focusable{s.list, s.number, s.birthName, s.usageName, s.firstNames} {
		if got := next(); got != want {
			t.Fatalf("Tab %d from the search: %T", i+1, got)
		}
	}
	c.Focus(s.sstDate)
	if got := next(); got != s.blocks[0].check {
		t.Fatalf("Tab after Date SST: %T", got)
	}
	c.Focus(s.blocks[len(s.blocks)-1].check)
	if got := next(); got != s.saveButton {
		t.Fatalf("Tab after the last CCP: %T", got)
	}
}
