package ui

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2/lang"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
)

// translations reads one flat go-i18n file of assets.
func translations(t *testing.T, name string) map[string]string {
	t.Helper()
	data, err := assets.Translations.ReadFile("translations/" + name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string // a nested or non-string value fails here
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("%s.json: %v", name, err)
	}
	return m
}

var placeholderRe = regexp.MustCompile(`\{\{[^}]*?\.([A-Z]\w*)[^}]*\}\}`)

func placeholders(s string) string {
	set := map[string]bool{}
	for _, m := range placeholderRe.FindAllStringSubmatch(s, -1) {
		set[m[1]] = true
	}
	var out []string
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ",")
}

func TestTranslations_FrenchAndEnglishHaveTheSameKeys(t *testing.T) {
	fr, en := translations(t, "fr"), translations(t, "en")
	for k, v := range fr {
		e, ok := en[k]
		switch {
		case !ok:
			t.Errorf("%q is in fr.json, not in en.json", k)
		case strings.TrimSpace(v) == "" && k != "number.thousands_sep", strings.TrimSpace(e) == "" && k != "number.thousands_sep":
			t.Errorf("%q is empty", k)
		case placeholders(v) != placeholders(e):
			t.Errorf("%q: placeholders %q in French, %q in English", k, placeholders(v), placeholders(e))
		}
	}
	for k := range en {
		if _, ok := fr[k]; !ok {
			t.Errorf("%q is in en.json, not in fr.json", k)
		}
	}
}

// keysIn returns, for each key matched by res in the non-test Go files of
// dir, the file it was found in.
func keysIn(t *testing.T, dir string, res ...*regexp.Regexp) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, re := range res {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				for _, k := range m[1:] {
					if k != "" && !strings.HasSuffix(k, ".") { // a prefix completed at run time
						keys[k] = f
					}
				}
			}
		}
	}
	return keys
}

var (
	langCallRe = regexp.MustCompile(`lang\.(?:L|X|N|XN)\(\s*"([^"]+)"`)
	pluralRe   = regexp.MustCompile(`plural\([^,()]+(?:\([^()]*\))?,\s*"([^"]+)",\s*"([^"]+)"`)
	// Error keys of the domain and storage: Errorf(code, "key", …),
	// Validation.Add(field, "key", …), Key: "key", refusal("key", …).
	errorKeyRe = regexp.MustCompile(`(?:Errorf\([^,()]+,\s*|\.Add\([^,()]+,\s*|Key:\s*|refusal\(\s*)"([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)"`)
)

func TestTranslations_KeysUsedByTheUIExist(t *testing.T) {
	fr := translations(t, "fr")
	used := keysIn(t, ".", langCallRe, pluralRe)
	if len(used) < 100 {
		t.Fatalf("only %d keys found in ui sources: is the pattern still right?", len(used))
	}
	// Keys built at run time.
	for _, r := range exam.AccessRoutes {
		used[routeKey(r)] = "lang.go (routeKey)"
	}
	for _, f := range candidateFields {
		used[fieldKey(f)] = "lang.go (fieldKey)"
	}
	for _, l := range []string{LangFrench, LangEnglish} {
		used["menu.view.language."+l] = "ui.go (onLanguage)"
	}
	for _, c := range accommodationCodes {
		used["accommodation."+c] = "candidate_card.go (accommodationItemText)"
	}
	used["candidates.empty.read_only"] = "candidates.go (makeList)"
	used["sessions.placeholder.read"] = "sessions.go (newSessionsScreen)"
	for _, k := range exam.IncidentKinds {
		used["incident.kind."+string(k)] = "session_labels.go (incidentKindLabel)"
	}
	for _, st := range []exam.TimerState{exam.TimerNotStarted, exam.TimerRunning, exam.TimerPaused, exam.TimerEnded} {
		used["timer.state."+string(st)] = "timer.go (timerStateLabel)"
	}
	for _, k := range []exam.TimerEventKind{exam.TimerStart, exam.TimerPause, exam.TimerResume, exam.TimerEnd, exam.TimerExtra} {
		used["timer.event."+string(k)] = "timer.go (record)"
	}
	for _, k := range []exam.ConflictKind{exam.ConflictTrainer, exam.ConflictEmployer, exam.ConflictCentre, exam.ConflictDeclared} {
		used[k.Key()] = "session_labels.go (conflictText)"
	}
	for _, k := range sessionFieldKeys {
		used[k] = "session_labels.go (sessionFieldKeys)"
	}
	for k, file := range used {
		if _, ok := fr[k]; !ok {
			t.Errorf("key %q used in %s is missing from fr.json", k, file)
		}
	}
}

// shownToday are the files whose error keys the UI can show today: a
// missing translation there fails; elsewhere (features whose screens do not
// exist yet) it is only logged, for whoever writes the screen.
var shownToday = map[string]bool{}

func init() {
	for _, f := range []string{
		"exam/actor.go", "exam/candidate.go", "exam/date.go", "exam/errors.go", "exam/import.go", "exam/referentiel.go",
		"storage/storage.go", "storage/candidates.go", "storage/audit.go",
		"exam/session.go", "exam/decision.go", "exam/timing.go", "exam/schedule.go", "exam/minutes.go", "exam/dayplan.go",
		"storage/sessions.go", "storage/evaluations.go", "storage/deliberation.go",
		"storage/xlsx/import.go", "storage/xlsx/decode.go", "storage/xlsx/csv.go", "storage/xlsx/format.go",
		"storage/xlsx/sheet.go", "storage/xlsx/columns.go", "storage/xlsx/template.go",
		"cmd/amis/main.go", "cmd/amis/gui.go", "cmd/amis/commands.go",
		"exam/account.go", "exam/accommodation.go", "storage/accounts.go", "storage/accommodations.go",
		"exam/qcm.go", "storage/qcm.go", "storage/privacy.go", "storage/xlsx/access.go", "cmd/amis/privacy.go", "storage/xlsx/qcm.go", "storage/xlsx/qcm_results.go", "cmd/amis/qcm.go",
	} {
		shownToday["../"+f] = true
	}
}

func TestTranslations_ErrorKeysOfOtherPackagesExist(t *testing.T) {
	fr := translations(t, "fr")
	for _, dir := range []string{"../exam", "../storage", "../storage/xlsx", "../cmd/amis"} {
		if _, err := os.Stat(dir); err != nil {
			continue
		}
		for k, file := range keysIn(t, dir, errorKeyRe, langCallRe) {
			if _, ok := fr[k]; ok {
				continue
			}
			file = filepath.ToSlash(file)
			if shownToday[file] {
				t.Errorf("key %q used in %s is missing from assets/translations (fr.json, en.json)", k, file)
			} else {
				t.Logf("not translated yet: %q (%s)", k, file)
			}
		}
	}
}

// TestSetupLanguage runs each case in a child process: the language is
// process-wide state.
func TestSetupLanguage(t *testing.T) {
	if c := os.Getenv("AMIS_UI_LANG_CASE"); c != "" {
		parts := strings.Split(c, "|")
		pref, wantLang, wantText := parts[0], parts[1], parts[2]
		if got := SetupLanguage(pref); got != wantLang {
			t.Fatalf("SetupLanguage(%q) = %q, want %q", pref, got, wantLang)
		}
		if got := lang.L("candidates.empty.demo"); got != wantText {
			t.Fatalf("lang.L = %q, want %q", got, wantText)
		}
		return
	}
	const fr, en = "Charger les données de démonstration", "Load the demo data"
	for _, tc := range []struct{ pref, locale, wantLang, wantText string }{
		{"", "fr_FR.UTF-8", "fr", fr},
		{"", "en_GB.UTF-8", "en", en},
		{"", "de_DE.UTF-8", "fr", fr}, // French by default, even over Fyne's German
		{"en", "fr_FR.UTF-8", "en", en},
		{"fr", "en_US.UTF-8", "fr", fr},
		{"fr", "fr_CA.UTF-8", "fr", fr},
	} {
		t.Run(tc.pref+"_"+tc.locale, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^TestSetupLanguage$", "-test.count=1")
			cmd.Env = append(os.Environ(),
				"AMIS_UI_LANG_CASE="+tc.pref+"|"+tc.wantLang+"|"+tc.wantText,
				"LANG="+tc.locale, "LC_ALL=", "LC_MESSAGES=", "LANGUAGE=")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v\n%s", err, out)
			}
		})
	}
}
