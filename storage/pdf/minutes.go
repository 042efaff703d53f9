package pdf

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/amisjury/amis/exam"
)

// MinutesDoc is what the procès-verbal of a session shows. Decisions and
// Results are keyed by candidate ID; a missing entry is a candidate with no
// decision or no confirmed result yet.
type MinutesDoc struct {
	Session     *exam.Session
	Referentiel *exam.Referentiel
	Decisions   map[int64][]exam.BlockDecision
	Results     map[int64]exam.CandidateResult
	Incidents   []exam.Incident
	// Minutes holds the signatures and the amendments; nil: none yet.
	Minutes *exam.Minutes
	// GeneratedAt is printed in the footer; zero: now.
	GeneratedAt time.Time
}

// WriteMinutes writes the procès-verbal (PV) of a session de validation as
// an A4 PDF: the session, the jury, one line per candidate with the result
// of each CCP and the overall decision, the functional accommodations
// granted (exam.SessionCandidate.AccommodationList), the reasons of the decisions, the
// incidents, the signature block and, when the PV was corrected after its
// signature, the rectifications. Until every jury member has signed, each
// page is marked "PROVISOIRE — non signé".
//
// A mock exam has no PV: WriteMinutes returns an EINVALID *exam.Error for
// one, and writes nothing.
func WriteMinutes(w io.Writer, d *MinutesDoc) error {
	if d == nil || d.Session == nil || d.Referentiel == nil {
		return fmt.Errorf("write minutes: the session and its référentiel are required")
	}
	s := d.Session
	if s.Kind != exam.KindCertification {
		return exam.Errorf(exam.EINVALID, "err.minutes.mock",
			"a mock exam (examen blanc) has no procès-verbal: its results are indicative", nil)
	}
	m := d.Minutes
	if m == nil {
		m = &exam.Minutes{SessionID: s.ID}
	}
	pv := minutesWriter{MinutesDoc: d, s: s, ref: d.Referentiel, m: m, signed: fullySigned(s, m)}
	doc := pv.write()
	if err := doc.output(w); err != nil {
		return fmt.Errorf("write minutes of session %d: %w", s.ID, err)
	}
	return nil
}

// fullySigned reports whether every jury member signed the PV.
func fullySigned(s *exam.Session, m *exam.Minutes) bool {
	if len(s.Jury) == 0 {
		return false
	}
	for _, j := range s.Jury {
		if !m.SignedBy(j.ID) {
			return false
		}
	}
	return true
}

const minutesTitle = "Procès-verbal de la session de validation"

// provisionalMark is repeated on every page of a PV not signed by the whole
// jury.
const provisionalMark = "PROVISOIRE — non signé"

type minutesWriter struct {
	*MinutesDoc
	s      *exam.Session
	ref    *exam.Referentiel
	m      *exam.Minutes
	signed bool
	doc    *doc
}

// line is a candidate's line on the PV.
type line struct {
	sc      *exam.SessionCandidate
	outcome exam.OverallResult
	result  string // overall decision label
}

func (p *minutesWriter) write() *doc {
	s, ref := p.s, p.ref
	right := "Session " + sessionDates(s)
	if s.Reference != "" {
		right = "Session n° " + s.Reference + ", " + sessionDates(s)
	}
	mark := ""
	if !p.signed {
		mark = provisionalMark
	}
	p.doc = newDoc(docInfo{
		Title:       minutesTitle,
		Subject:     fmt.Sprintf("%s — %s (%s)", minutesTitle, ref.Title, ref.Code),
		HeaderLeft:  fmt.Sprintf("%s — %s (%s)", minutesTitle, acronym(ref), ref.Code),
		HeaderRight: right,
		Mark:        mark,
		Generated:   p.GeneratedAt,
	})
	d := p.doc
	d.title(minutesTitle, 15)
	d.space(1)
	d.font("", 10)
	d.para(fmt.Sprintf("Titre professionnel %s%s", ref.Title, acronymSuffix(ref)), "", 10.5, 5)
	sub := "Code RNCP : " + ref.Code
	if ref.Level > 0 {
		sub += fmt.Sprintf(" — niveau %d", ref.Level)
	}
	if ref.Certifier != "" {
		sub += " — certificateur : " + ref.Certifier
	}
	d.para(sub, "", 9, 4.5)
	d.space(3)
	if !p.signed {
		d.box(provisionalMark+" : ce procès-verbal n'a pas été signé par tous les membres du jury ; il ne vaut pas décision.", "B", 10, colourMark)
		d.space(3)
	}
	if p.m.Amended() {
		d.box("Ce procès-verbal a été rectifié après sa signature : voir « Rectifications après signature ».", "B", 9.5, [3]int{0, 0, 0})
		d.space(3)
	}
	lines := p.lines()
	p.session(lines)
	p.jury()
	p.results(lines)
	p.accommodations(lines)
	p.reasons(lines)
	p.incidents()
	p.signatures()
	p.amendments()
	return d
}

func acronym(ref *exam.Referentiel) string {
	if ref.Acronym != "" {
		return ref.Acronym
	}
	return ref.Title
}

func acronymSuffix(ref *exam.Referentiel) string {
	if ref.Acronym == "" {
		return ""
	}
	return " (" + ref.Acronym + ")"
}

// lines computes each candidate's line, in alphabetical order of birth
// name, first names and birth date.
func (p *minutesWriter) lines() []line {
	var out []line
	for i := range p.s.Candidates {
		sc := &p.s.Candidates[i]
		id := sc.Candidate.ID
		o := exam.ProposeResult(p.ref, p.s.Kind, p.s.Scope, sc, p.Decisions[id])
		l := line{sc: sc, outcome: o}
		r, ok := p.Results[id]
		switch {
		case ok && r.Result != exam.ResultPending:
			acq := r.Acquired
			if len(acq) == 0 {
				acq = o.Acquired
			}
			l.result = resultLabel(p.ref, r.Result, acq)
		case o.Result == exam.ResultAbsent, o.Result == exam.ResultPending:
			l.result = resultLabel(p.ref, o.Result, nil)
		default:
			// Not confirmed by the jury: only a provisional PV shows it.
			l.result = resultLabel(p.ref, o.Result, o.Acquired) + " — à confirmer"
		}
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := &out[i].sc.Candidate, &out[j].sc.Candidate
		if x, y := exam.Fold(a.BirthName), exam.Fold(b.BirthName); x != y {
			return x < y
		}
		if x, y := exam.Fold(a.FirstNames), exam.Fold(b.FirstNames); x != y {
			return x < y
		}
		return a.BirthDate.Before(b.BirthDate)
	})
	return out
}

func (p *minutesWriter) session(lines []line) {
	s, ref, d := p.s, p.ref, p.doc
	d.heading("Session", 30)
	present, absent := 0, 0
	count := map[exam.Result]int{}
	for _, l := range lines {
		if l.sc.Absent {
			absent++
		} else {
			present++
		}
		r := l.outcome.Result
		if res, ok := p.Results[l.sc.Candidate.ID]; ok && res.Result != exam.ResultPending {
			r = res.Result
		}
		count[r]++
	}
	summary := fmt.Sprintf("%s inscrit%s, %d présent%s, %s — titre obtenu : %d ; certification partielle : %d ; non obtenu : %d",
		plural(len(lines), "candidat"), sIf(len(lines)), present, sIf(present), plural(absent, "absent"),
		count[exam.ResultTitle], count[exam.ResultPartial], count[exam.ResultNotObtained])
	if n := count[exam.ResultPending]; n > 0 {
		summary += fmt.Sprintf(" ; en attente de décision : %d", n)
	}
	version := s.ReferentielVersion
	if version == "" {
		version = ref.Version
	}
	d.fields([]field{
		{"Référence", orDash(s.Reference)},
		{"Type de session", "Session de validation — " + scopeLabel(s.Scope)},
		{"Date", sessionDates(s)},
		{"Lieu", orDash(s.Place)},
		{"Centre organisateur", orDash(s.TrainingCentre)},
		{"Référentiel", fmt.Sprintf("%s, version %s", ref.Code, version)},
		{"Candidats", summary},
	}, 42)
}

func plural(n int, word string) string { return fmt.Sprintf("%d %s%s", n, word, sIf(n)) }

func sIf(n int) string {
	if n > 1 {
		return "s"
	}
	return ""
}

func (p *minutesWriter) jury() {
	d := p.doc
	d.heading("Jury", 25)
	if len(p.s.Jury) == 0 {
		d.para("Aucun membre du jury n'est enregistré.", "", 9.5, 5)
		return
	}
	jury := append([]exam.Member(nil), p.s.Jury...)
	sort.SliceStable(jury, func(i, j int) bool {
		return jury[i].Role == exam.JuryPresident && jury[j].Role != exam.JuryPresident
	})
	cols := fit([]column{
		{"Nom", 44, "L", "B"},
		{"Qualité", 30, "L", ""},
		{"Organisation", 52, "L", ""},
		{"N° d'habilitation", 30, "L", ""},
		{"Interne / externe", 24, "L", ""},
	})
	var rows [][]string
	for _, m := range jury {
		ext := "Interne"
		if m.External {
			ext = "Externe"
		}
		rows = append(rows, []string{m.Name, roleLabel(m.Role), orDash(m.Organisation), orDash(m.Habilitation), ext})
	}
	d.table(cols, rows)
}

func (p *minutesWriter) results(lines []line) {
	d, ref := p.doc, p.ref
	d.heading("Résultats", 30)
	if len(lines) == 0 {
		d.para("Aucun candidat n'est inscrit à cette session.", "", 9.5, 5)
		return
	}
	cols := []column{
		{"N° candidat", 17, "L", ""},
		{"Candidat (nom de naissance, prénoms)", 45, "L", "B"},
		{"Né(e) le", 18, "L", ""},
	}
	for _, b := range ref.Blocks {
		cols = append(cols, column{b.Short, 22, "C", ""})
	}
	cols = append(cols, column{"Décision du jury", 34, "L", "B"})
	cols = fit(cols)
	var rows [][]string
	for _, l := range lines {
		c := &l.sc.Candidate
		row := []string{orDash(c.Number), candidateName(c), c.BirthDate.String()}
		for _, br := range l.outcome.Blocks {
			label := outcomeLabel(br.Outcome, l.sc.Absent)
			if br.Outcome == exam.OutcomeAlreadyAcquired {
				for _, a := range c.Acquired {
					if a.BlockCode == br.Block && !a.Date.IsZero() {
						label += "\n(" + a.Date.String() + ")"
					}
				}
			}
			row = append(row, label)
		}
		rows = append(rows, append(row, l.result))
	}
	d.table(cols, rows)
	d.space(2)
	var legend []string
	for _, b := range ref.Blocks {
		legend = append(legend, fmt.Sprintf("%s (%s) : %s.", b.Short, b.Code, b.Title))
	}
	d.colour(colourMuted)
	d.para(strings.Join(legend, "\n"), "", 7.5, 3.5)
	d.para("Déjà acquis : CCP obtenu lors d'une session antérieure, non évalué de nouveau. Non présenté : CCP non présenté à cette session.", "", 7.5, 3.5)
	d.colour([3]int{0, 0, 0})
}

// accommodations lists, for each candidate granted accommodations, the
// functional ones applied ("Aménagements : …"); nothing medical, which the
// session's data never holds. No section when no candidate had any.
func (p *minutesWriter) accommodations(lines []line) {
	var rows [][]string
	for _, l := range lines {
		if list := l.sc.AccommodationList(); list != "" {
			rows = append(rows, []string{candidateName(&l.sc.Candidate), "Aménagements : " + list})
		}
	}
	if len(rows) == 0 {
		return
	}
	d := p.doc
	d.heading("Aménagements accordés", 25)
	d.table(fit([]column{
		{"Candidat", 45, "L", "B"},
		{"Aménagements d'épreuves appliqués", 135, "L", ""},
	}), rows)
}

// reasons lists the written reasons of the decisions: every non acquis, and
// every decision departing from the app's proposal.
func (p *minutesWriter) reasons(lines []line) {
	d, ref := p.doc, p.ref
	var rows [][]string
	for _, l := range lines {
		if l.sc.Absent {
			continue
		}
		last := map[string]exam.BlockDecision{}
		for _, dec := range p.Decisions[l.sc.Candidate.ID] {
			if b := ref.Block(dec.Block); b != nil {
				last[b.Code] = dec
			}
		}
		for _, b := range ref.Blocks {
			dec, ok := last[b.Code]
			if !ok || !l.sc.Sits(b.Code) || l.sc.Candidate.HasAcquired(b.Code) || strings.TrimSpace(dec.Reason) == "" {
				continue
			}
			if dec.Outcome != exam.OutcomeNotAcquired && !dec.Departs() {
				continue
			}
			label := outcomeLabel(dec.Outcome, false)
			if dec.Departs() {
				label += " (proposition : " + strings.ToLower(outcomeLabel(dec.Proposed, false)) + ")"
			}
			rows = append(rows, []string{l.sc.Candidate.BirthName + " " + l.sc.Candidate.FirstNames, b.Short, label, dec.Reason})
		}
	}
	if len(rows) == 0 {
		return
	}
	d.heading("Motifs des décisions", 25)
	d.table(fit([]column{
		{"Candidat", 45, "L", "B"},
		{"CCP", 14, "C", ""},
		{"Décision", 31, "L", ""},
		{"Motif", 90, "L", ""},
	}), rows)
}

func (p *minutesWriter) incidents() {
	d := p.doc
	d.heading("Incidents", 20)
	if len(p.Incidents) == 0 {
		d.para("Aucun incident n'a été consigné.", "", 9.5, 5)
		return
	}
	inc := append([]exam.Incident(nil), p.Incidents...)
	sort.SliceStable(inc, func(i, j int) bool { return inc[i].At.Before(inc[j].At) })
	var rows [][]string
	for _, i := range inc {
		who := "Session (tous les candidats)"
		if sc := p.s.Candidate(i.CandidateID); sc != nil {
			who = sc.Candidate.BirthName + " " + sc.Candidate.FirstNames
		} else if i.CandidateID != 0 {
			who = fmt.Sprintf("Candidat n° %d", i.CandidateID)
		}
		trial := "—"
		if i.Trial != "" {
			trial = i.Trial
			if t := p.ref.Trial(i.Trial); t != nil {
				trial = t.Title
			}
		}
		rows = append(rows, []string{dateTime(i.At), who, i.Kind.French(), trial, i.Text})
	}
	d.table(fit([]column{
		{"Date et heure", 25, "L", ""},
		{"Candidat", 38, "L", ""},
		{"Nature", 27, "L", ""},
		{"Épreuve", 27, "L", ""},
		{"Faits constatés", 63, "L", ""},
	}), rows)
}

// Signature boxes: two per row, at least sigH high.
const (
	sigGap  = 6.0
	sigW    = (contentW - sigGap) / 2
	sigH    = 34.0
	sigName = 4.5 // line height of the member's name
	sigWho  = 3.6 // line height of the role and organisation
	sigArea = 16.0
)

func (p *minutesWriter) signatures() {
	d, s := p.doc, p.s
	d.heading("Signatures du jury", sigH+12)
	d.para("Les membres du jury soussignés arrêtent les résultats ci-dessus à l'issue de la délibération.", "", 9.5, 5)
	d.space(2)
	jury := append([]exam.Member(nil), s.Jury...)
	sort.SliceStable(jury, func(i, j int) bool {
		return jury[i].Role == exam.JuryPresident && jury[j].Role != exam.JuryPresident
	})
	signedAt := map[int64]time.Time{}
	for _, sig := range p.m.Signatures {
		signedAt[sig.MemberID] = sig.SignedAt
	}
	for i := 0; i < len(jury); i += 2 {
		row := jury[i:min(i+2, len(jury))]
		boxes := make([]sigBox, len(row))
		h := sigH
		for k, m := range row {
			boxes[k] = p.sigBox(m)
			h = max(h, boxes[k].height())
		}
		d.ensure(h)
		y := d.y()
		for k, m := range row {
			at, ok := signedAt[m.ID]
			p.drawSigBox(marginX+float64(k)*(sigW+sigGap), y, h, boxes[k], at, ok)
		}
		d.f.SetXY(marginX, y+h+sigGap/2)
	}
	switch {
	case p.signed:
		at := p.m.SignedAt
		if at.IsZero() {
			at = s.SignedAt
		}
		if at.IsZero() {
			for _, t := range signedAt {
				if t.After(at) {
					at = t
				}
			}
		}
		d.para("Procès-verbal signé par l'ensemble du jury le "+stamp(at)+" : les résultats sont verrouillés.", "B", 9.5, 5)
	default:
		d.colour(colourMark)
		d.para(provisionalMark+" : "+signedCount(jury, p.m)+".", "B", 9.5, 5)
		d.colour([3]int{0, 0, 0})
	}
}

func signedCount(jury []exam.Member, m *exam.Minutes) string {
	n := 0
	for _, j := range jury {
		if m.SignedBy(j.ID) {
			n++
		}
	}
	return fmt.Sprintf("%d signature%s sur %d membre%s du jury", n, sIf(n), len(jury), sIf(len(jury)))
}

// sigBox is the text of a member's signature box, wrapped.
type sigBox struct{ name, who []string }

func (b sigBox) height() float64 {
	return 1.5 + float64(len(b.name))*sigName + 0.5 + float64(len(b.who))*sigWho + sigArea + 1.5
}

func (p *minutesWriter) sigBox(m exam.Member) sigBox {
	d := p.doc
	who := roleLabel(m.Role)
	if m.Organisation != "" {
		who += " — " + m.Organisation
	}
	var b sigBox
	d.font("B", 9.5)
	b.name = d.wrap(m.Name, sigW-2)
	d.font("", 8)
	b.who = d.wrap(who, sigW-2)
	return b
}

// drawSigBox draws one member's box of height h: name, role and
// organisation, then the electronic signature, or an empty frame to sign by
// hand.
func (p *minutesWriter) drawSigBox(x, y, h float64, b sigBox, at time.Time, signed bool) {
	d := p.doc
	f := d.f
	f.SetDrawColor(colourBorder[0], colourBorder[1], colourBorder[2])
	f.SetLineWidth(0.3)
	f.Rect(x, y, sigW, h, "D")
	ty := y + 1.5
	d.font("B", 9.5)
	for _, l := range b.name {
		f.SetXY(x+1, ty)
		f.CellFormat(sigW-2, sigName, l, "", 0, "L", false, 0, "")
		ty += sigName
	}
	ty += 0.5
	d.font("", 8)
	d.colour(colourMuted)
	for _, l := range b.who {
		f.SetXY(x+1, ty)
		f.CellFormat(sigW-2, sigWho, l, "", 0, "L", false, 0, "")
		ty += sigWho
	}
	d.colour([3]int{0, 0, 0})
	bottom := y + h - 1.5 // the signature area is at the bottom of the box
	if signed {
		d.font("", 9)
		f.SetXY(x+1, bottom-sigArea/2-2.25)
		f.CellFormat(sigW-2, 4.5, latin1("signé électroniquement le "+stamp(at)), "", 0, "L", false, 0, "")
		return
	}
	d.font("I", 7.5)
	d.colour(colourMuted)
	f.SetXY(x+1, bottom-sigArea)
	f.CellFormat(sigW-2, 3.5, "Signature :", "", 0, "L", false, 0, "")
	d.colour([3]int{0, 0, 0})
	f.SetDrawColor(180, 180, 180)
	f.SetLineWidth(0.2)
	f.Rect(x+3, bottom-sigArea+3.5, sigW-6, sigArea-4, "D")
}

func (p *minutesWriter) amendments() {
	if !p.m.Amended() {
		return
	}
	d := p.doc
	d.heading("Rectifications après signature", 25)
	d.para("Les corrections suivantes ont été apportées après la signature du procès-verbal ; chacune est motivée et journalisée.", "", 9.5, 5)
	d.space(2)
	am := append([]exam.Amendment(nil), p.m.Amendments...)
	sort.SliceStable(am, func(i, j int) bool { return am[i].At.Before(am[j].At) })
	var rows [][]string
	for _, a := range am {
		rows = append(rows, []string{dateTime(a.At), orDash(a.By), orDash(a.Reason), orDash(a.What)})
	}
	d.table(fit([]column{
		{"Date", 25, "L", ""},
		{"Par", 35, "L", ""},
		{"Motif", 60, "L", ""},
		{"Rectification", 60, "L", ""},
	}), rows)
}
