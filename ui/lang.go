package ui

import (
	"github.com/amisjury/amis/internal/locale"
	"strconv"
	"strings"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/exam"
)

// Languages the UI is translated into.
const (
	LangFrench  = "fr"
	LangEnglish = "en"
)

// language is the language chosen by SetupLanguage.
var language atomic.Value // string

func init() { language.Store(LangFrench) }

// currentLanguage returns "fr" or "en".
func currentLanguage() string { return language.Load().(string) }

// SetupLanguage loads the embedded translations and makes pref ("fr", "en",
// or "" for the default) the language of every lang.L call, whatever the
// system locale says. The default is French unless the system language is
// English. It returns the language used. Call it once, before building any
// window.
func SetupLanguage(pref string) string {
	locale.NameNeutral()
	sys := lang.SystemLocale()
	sysLang := baseLanguage(sys)
	chosen := pref
	if chosen != LangFrench && chosen != LangEnglish {
		chosen = LangFrench
		if sysLang == LangEnglish && !locale.Neutral() {
			chosen = LangEnglish
		}
	}
	if err := lang.AddTranslationsFS(assets.Translations, "translations"); err != nil {
		fyne.LogError("load translations", err)
	}
	if sysLang != chosen {
		// Fyne picks the translation closest to the system locale: register the
		// chosen language under that locale too, so that it wins.
		data, err := assets.Translations.ReadFile("translations/" + chosen + ".json")
		if err == nil {
			err = lang.AddTranslationsForLocale(data, sys)
		}
		if err != nil {
			fyne.LogError("force language "+chosen, err)
		}
	}
	language.Store(chosen)
	return chosen
}

// baseLanguage returns the language part of a locale: "fr-FR" gives "fr".
func baseLanguage(l fyne.Locale) string {
	s := strings.ToLower(l.String())
	if i := strings.IndexAny(s, "-_"); i >= 0 {
		s = s[:i]
	}
	return s
}

// formatInt writes n with the thousands separator of the current language
// ("1 234" in French, "1,234" in English).
func formatInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	sep := lang.L("number.thousands_sep")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// plural returns the translation of one or other depending on n, with the
// rule of the current language (French: 0 and 1 are singular). data gets
// "Count", n formatted.
func plural(n int, one, other string, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	data["Count"] = formatInt(n)
	singular := n == 1
	if currentLanguage() == LangFrench {
		singular = n == 0 || n == 1
	}
	if singular {
		return lang.L(one, data)
	}
	return lang.L(other, data)
}

// routeKey is the translation key of an access route label.
func routeKey(r exam.AccessRoute) string { return "route." + string(r) }

// routeLabel is the label of an access route ("Formation continue").
func routeLabel(r exam.AccessRoute) string {
	if r == "" {
		return ""
	}
	if !r.Valid() {
		return string(r)
	}
	return lang.L(routeKey(r))
}

// fieldKey is the translation key of a candidate field's label.
func fieldKey(field string) string { return "field." + field }

// candidateFields lists the candidate field ids in form order.
var candidateFields = []string{
	exam.FieldNumber, exam.FieldBirthName, exam.FieldUsageName, exam.FieldFirstNames,
	exam.FieldSex, exam.FieldBirthDate, exam.FieldBirthCity, exam.FieldBirthCountry,
	exam.FieldEmail, exam.FieldPhone, exam.FieldAccessRoute, exam.FieldTrainingCentre,
	exam.FieldSSTDate, exam.FieldAcquired,
}

// fieldLabel is the label of a candidate or session field, or the id itself
// for a field that has none (a référentiel path, say).
func fieldLabel(field string) string {
	for _, f := range candidateFields {
		if f == field {
			return lang.L(fieldKey(field))
		}
	}
	if l, ok := sessionFieldLabel(field); ok {
		return l
	}
	switch field {
	case exam.FieldLogin:
		return lang.L("login.login")
	case exam.FieldName:
		return lang.L("account.name")
	case exam.FieldRole:
		return lang.L("accounts.role")
	case exam.FieldPassword:
		return lang.L("login.password")
	case exam.FieldDecisionAuthority, exam.FieldDecisionDate, exam.FieldDecisionReference, exam.FieldValidity,
		exam.FieldSpreadDays:
		return accommodationFieldLabel(field)
	case exam.FieldJustification:
		return lang.L("acc.section.justification")
	case exam.FieldJuryInstructions:
		return lang.L("acc.section.instructions")
	case exam.FieldTextScale:
		return lang.L("acc.screen.text_scale")
	case exam.FieldLineSpacing:
		return lang.L("acc.screen.line_spacing")
	case exam.FieldMaxChoices:
		return lang.L("acc.screen.max_choices")
	case exam.FieldOtherAssistant:
		return lang.L("acc.aids.other")
	case exam.FieldRoomOther:
		return lang.L("acc.room.other")
	case "time." + exam.FieldExtraPercent:
		return lang.L("acc.extra_percent")
	case "time." + exam.FieldExtraMinutes:
		return lang.L("acc.extra_minutes")
	case "time." + exam.FieldStartOffset:
		return lang.L("acc.start_offset")
	}
	return field
}

// roleLabel is the label of a role ("administrateur").
func roleLabel(r exam.Role) string {
	switch r {
	case exam.RoleAdmin:
		return lang.L("role.admin")
	case exam.RoleJury:
		return lang.L("role.jury")
	case exam.RoleReferent:
		return lang.L("role.referent")
	}
	return string(r)
}
