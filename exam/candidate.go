package exam

import (
	"context"
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Sex as on the civil status.
type Sex string

// Sexes.
const (
	Female Sex = "F"
	Male   Sex = "M"
)

// AccessRoute is how the candidate reaches the exam (modalité d'accès).
type AccessRoute string

// Access routes.
const (
	RouteContinuing     AccessRoute = "formation_continue"
	RouteApprenticeship AccessRoute = "apprentissage"
	RouteProContract    AccessRoute = "contrat_pro"
	RouteVAE            AccessRoute = "vae"
	RouteFree           AccessRoute = "candidat_libre"
)

// AccessRoutes lists the routes in display order.
var AccessRoutes = []AccessRoute{RouteContinuing, RouteApprenticeship, RouteProContract, RouteVAE, RouteFree}

// Valid reports whether r is a known route.
func (r AccessRoute) Valid() bool {
	for _, x := range AccessRoutes {
		if r == x {
			return true
		}
	}
	return false
}

// ParseAccessRoute reads a route from its code or its French label, ignoring
// case and accents ("Formation continue", "VAE", "contrat de professionnalisation").
func ParseAccessRoute(s string) (AccessRoute, bool) {
	f := Fold(strings.ReplaceAll(s, "/", " "))
	switch f {
	case "formation continue", "formation_continue", "fc", "formation":
		return RouteContinuing, true
	case "apprentissage", "alternance", "alternance apprentissage", "apprentissage alternance", "contrat d apprentissage":
		return RouteApprenticeship, true
	case "contrat pro", "contrat_pro", "contrat de professionnalisation", "professionnalisation", "contrat professionnalisation":
		return RouteProContract, true
	case "vae", "validation des acquis de l experience":
		return RouteVAE, true
	case "candidat libre", "candidat_libre", "libre":
		return RouteFree, true
	}
	return "", false
}

// ParseSex reads F/M (also "femme", "homme", "féminin", "masculin").
func ParseSex(s string) (Sex, bool) {
	switch Fold(s) {
	case "f", "femme", "feminin":
		return Female, true
	case "m", "h", "homme", "masculin":
		return Male, true
	}
	return "", false
}

// AcquiredBlock is a CCP obtained in an earlier session: it stays acquired
// and is not examined again.
type AcquiredBlock struct {
	BlockCode  string // RNCP block code, e.g. RNCP37722BC01
	Date       Date
	SessionRef string
}

// Candidate is a person who sits the exam, with the identity of the civil
// status as the certifier needs it.
type Candidate struct {
	ID             int64
	Number         string // candidate number, kept as text (leading zeros)
	BirthName      string // nom de naissance
	UsageName      string // nom d'usage
	FirstNames     string // prénoms, in civil-status order
	Sex            Sex
	BirthDate      Date
	BirthCity      string
	BirthCountry   string
	Email          string
	Phone          string
	AccessRoute    AccessRoute
	TrainingCentre string
	SSTDate        Date // SST certificate date, zero if none
	Acquired       []AcquiredBlock
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Field identifiers used in FieldError.Field for candidates; importers map
// them to columns and forms to widgets.
const (
	FieldNumber         = "number"
	FieldBirthName      = "birth_name"
	FieldUsageName      = "usage_name"
	FieldFirstNames     = "first_names"
	FieldSex            = "sex"
	FieldBirthDate      = "birth_date"
	FieldBirthCity      = "birth_city"
	FieldBirthCountry   = "birth_country"
	FieldEmail          = "email"
	FieldPhone          = "phone"
	FieldAccessRoute    = "access_route"
	FieldTrainingCentre = "training_centre"
	FieldSSTDate        = "sst_date"
	FieldAcquired       = "acquired"
)

// Normalize trims spaces and upper-cases the names the way civil-status
// documents write them: birth and usage names in capitals, first names as typed.
func (c *Candidate) Normalize() {
	clean := func(s string) string { return strings.Join(strings.Fields(s), " ") }
	c.Number = strings.TrimSpace(c.Number)
	c.BirthName = strings.ToUpper(clean(c.BirthName))
	c.UsageName = strings.ToUpper(clean(c.UsageName))
	c.FirstNames = clean(c.FirstNames)
	c.BirthCity = clean(c.BirthCity)
	c.BirthCountry = clean(c.BirthCountry)
	c.Email = strings.TrimSpace(c.Email)
	c.Phone = clean(c.Phone)
	c.TrainingCentre = clean(c.TrainingCentre)
	for i := range c.Acquired {
		c.Acquired[i].BlockCode = strings.ToUpper(strings.TrimSpace(c.Acquired[i].BlockCode))
		c.Acquired[i].SessionRef = clean(c.Acquired[i].SessionRef)
	}
}

// Validate checks the candidate as of today.
func (c *Candidate) Validate() error { return c.ValidateAt(Today()) }

// ValidateAt checks the candidate's fields as of the given day (dates may not
// be in its future). Messages name the field and the reason.
func (c *Candidate) ValidateAt(today Date) error {
	var v Validation
	name := func(field, val string, required bool) {
		switch {
		case val == "" && required:
			v.Add(field, "err.required", "required", nil)
		case utf8.RuneCountInString(val) > 100:
			v.Add(field, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": 100})
		case val != "" && !isName(val):
			v.Add(field, "err.name.chars", "only letters, spaces, hyphens and apostrophes", nil)
		}
	}
	name(FieldBirthName, c.BirthName, true)
	name(FieldUsageName, c.UsageName, false)
	name(FieldFirstNames, c.FirstNames, true)
	if utf8.RuneCountInString(c.Number) > 30 {
		v.Add(FieldNumber, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": 30})
	}
	if c.Sex != Female && c.Sex != Male {
		v.Add(FieldSex, "err.sex", "F or M is required", nil)
	}
	switch {
	case c.BirthDate.IsZero():
		v.Add(FieldBirthDate, "err.required", "required", nil)
	case !c.BirthDate.Valid():
		v.Add(FieldBirthDate, "err.date.calendar", "“{{.Value}}” does not exist in the calendar", map[string]any{"Value": c.BirthDate.String()})
	case c.BirthDate.Year < 1900:
		v.Add(FieldBirthDate, "err.birth_date.old", "before 1900", nil)
	case c.BirthDate.AddYears(15).After(today):
		v.Add(FieldBirthDate, "err.birth_date.young", "the candidate must be at least 15 years old", nil)
	}
	text := func(field, val string, required bool, max int) {
		switch {
		case val == "" && required:
			v.Add(field, "err.required", "required", nil)
		case utf8.RuneCountInString(val) > max:
			v.Add(field, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": max})
		}
	}
	text(FieldBirthCity, c.BirthCity, true, 100)
	text(FieldBirthCountry, c.BirthCountry, true, 100)
	text(FieldTrainingCentre, c.TrainingCentre, false, 200)
	if c.Email != "" {
		if a, err := mail.ParseAddress(c.Email); err != nil || a.Address != c.Email || !strings.Contains(c.Email[strings.LastIndex(c.Email, "@"):], ".") {
			v.Add(FieldEmail, "err.email", "“{{.Value}}” is not an e-mail address", map[string]any{"Value": c.Email})
		}
	}
	if c.Phone != "" && !isPhone(c.Phone) {
		v.Add(FieldPhone, "err.phone", "“{{.Value}}” is not a phone number", map[string]any{"Value": c.Phone})
	}
	if !c.AccessRoute.Valid() {
		if c.AccessRoute == "" {
			v.Add(FieldAccessRoute, "err.required", "required", nil)
		} else {
			v.Add(FieldAccessRoute, "err.access_route", "unknown access route “{{.Value}}”", map[string]any{"Value": string(c.AccessRoute)})
		}
	}
	switch {
	case c.SSTDate.IsZero():
	case !c.SSTDate.Valid():
		v.Add(FieldSSTDate, "err.date.calendar", "“{{.Value}}” does not exist in the calendar", map[string]any{"Value": c.SSTDate.String()})
	case c.SSTDate.After(today):
		v.Add(FieldSSTDate, "err.date.future", "in the future", nil)
	case !c.BirthDate.IsZero() && c.SSTDate.Before(c.BirthDate):
		v.Add(FieldSSTDate, "err.date.before_birth", "before the birth date", nil)
	}
	seen := map[string]bool{}
	for _, a := range c.Acquired {
		switch {
		case a.BlockCode == "":
			v.Add(FieldAcquired, "err.acquired.block", "an acquired CCP needs its block code", nil)
		case seen[a.BlockCode]:
			v.Add(FieldAcquired, "err.acquired.duplicate", "{{.Block}} is listed twice", map[string]any{"Block": a.BlockCode})
		}
		seen[a.BlockCode] = true
		switch {
		case a.Date.IsZero():
			v.Add(FieldAcquired, "err.acquired.date", "{{.Block}}: the date it was acquired is required", map[string]any{"Block": a.BlockCode})
		case !a.Date.Valid() || a.Date.After(today):
			v.Add(FieldAcquired, "err.acquired.date_future", "{{.Block}}: the date is in the future", map[string]any{"Block": a.BlockCode})
		}
		if utf8.RuneCountInString(a.SessionRef) > 100 {
			v.Add(FieldAcquired, "err.too_long", "at most {{.Max}} characters", map[string]any{"Max": 100})
		}
	}
	return v.Err("candidate")
}

// CheckBlocks returns field errors for acquired blocks unknown to ref; block
// codes given as short codes (CCP1) are replaced by the RNCP code.
func (c *Candidate) CheckBlocks(ref *Referentiel) error {
	var v Validation
	for i, a := range c.Acquired {
		if a.BlockCode == "" {
			continue
		}
		b := ref.Block(a.BlockCode)
		if b == nil {
			v.Add(FieldAcquired, "err.acquired.unknown", "unknown CCP “{{.Block}}”", map[string]any{"Block": a.BlockCode})
			continue
		}
		c.Acquired[i].BlockCode = b.Code
	}
	return v.Err("candidate")
}

func isName(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && r != ' ' && r != '-' && r != '\'' && r != '’' && r != '.' {
			return false
		}
	}
	return true
}

func isPhone(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case unicode.IsDigit(r):
			digits++
		case r == '+' && i == 0, r == ' ', r == '.', r == '-', r == '(', r == ')':
		default:
			return false
		}
	}
	return digits >= 9 && digits <= 15
}

// DuplicateKey is what makes two candidate records the same person: birth
// name, first names and birth date, compared without case or accents.
func (c *Candidate) DuplicateKey() string {
	return Fold(c.BirthName) + "|" + Fold(c.FirstNames) + "|" + c.BirthDate.ISO()
}

// DisplayName is "NOM (usage) Prénoms".
func (c *Candidate) DisplayName() string {
	n := c.BirthName
	if c.UsageName != "" && c.UsageName != c.BirthName {
		n += " (" + c.UsageName + ")"
	}
	return n + " " + c.FirstNames
}

// HasAcquired reports whether the block (RNCP code) is already acquired.
func (c *Candidate) HasAcquired(code string) bool {
	for _, a := range c.Acquired {
		if a.BlockCode == code {
			return true
		}
	}
	return false
}

// CandidateSummary is a candidate's line in a list.
type CandidateSummary struct {
	ID             int64
	Number         string
	BirthName      string
	UsageName      string
	FirstNames     string
	BirthDate      Date
	AccessRoute    AccessRoute
	TrainingCentre string
}

// CandidateFilter selects candidates. Query is matched, without case or
// accents, against names, the candidate number and the birth date
// (jj/mm/aaaa, or part of it); every word must match.
type CandidateFilter struct {
	Query string
	Limit int // 0: no limit
}

// CandidateService stores candidates.
type CandidateService interface {
	// FindCandidates returns the candidates matching f, sorted by birth name
	// then first names.
	FindCandidates(ctx context.Context, a Actor, f CandidateFilter) ([]CandidateSummary, error)
	// CountCandidates returns the number of stored candidates.
	CountCandidates(ctx context.Context, a Actor) (int, error)
	// Candidate returns one candidate. ENOTFOUND.
	Candidate(ctx context.Context, a Actor, id int64) (*Candidate, error)
	// CreateCandidate validates and stores c, setting its ID. EINVALID,
	// ECONFLICT (same person or number already stored), EFORBIDDEN.
	CreateCandidate(ctx context.Context, a Actor, c *Candidate) error
	// UpdateCandidate replaces the stored candidate c.ID. ENOTFOUND, EINVALID,
	// ECONFLICT, EFORBIDDEN.
	UpdateCandidate(ctx context.Context, a Actor, c *Candidate) error
	// DeleteCandidate removes a candidate. ENOTFOUND, EFORBIDDEN.
	DeleteCandidate(ctx context.Context, a Actor, id int64) error
	// ExistingDuplicates returns, for each key (see Candidate.DuplicateKey)
	// already stored, the stored candidate's ID and display name.
	ExistingDuplicates(ctx context.Context, a Actor, keys []string) (map[string]CandidateSummary, error)
	// ImportCandidates stores all candidates in one transaction, or none.
	// ECONFLICT when one of them is already stored.
	ImportCandidates(ctx context.Context, a Actor, cs []*Candidate) error
}
