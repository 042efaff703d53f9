package xlsx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// Sheets of the certifier export (docs/export.md), in workbook order.
const (
	ResultsSheet     = "Résultats"
	CompetencesSheet = "Compétences"
	JurySheet        = "Jury"
	SummarySheet     = "Synthèse"
)

// Provisional marks a draft export: the name of every sheet ends with it
// and the first row of every sheet is a banner starting with it.
const Provisional = "PROVISOIRE"

// ProvisionalBanner is the first row of every sheet of a draft export (and
// the first line of its CSV).
const ProvisionalBanner = "PROVISOIRE — procès-verbal non signé : document de travail, à ne pas transmettre au certificateur"

// ExportSheetName is the name of a sheet of the export: base, followed by
// PROVISOIRE in a draft.
func ExportSheetName(base string, provisional bool) string {
	if provisional {
		return base + " " + Provisional
	}
	return base
}

// maxSheetRows is the last row a worksheet can hold; past it a sheet goes
// on in "<name> (2)", "<name> (3)"… Tests lower it.
var maxSheetRows = excelize.TotalRows

// Exporter reads what goes to the certifier: storage.ExportService.
type Exporter interface {
	Export(ctx context.Context, a exam.Actor, sel storage.ExportSelection, sink storage.ExportSink) error
}

// WriteExport exports the sessions of sel from src to w as the certifier
// workbook (ExportEncoder); progress, if set, is told every few hundred
// candidates how many are written out of how many. Nothing is written to w
// when src refuses the selection or the export fails before the end.
func WriteExport(ctx context.Context, w io.Writer, src Exporter, a exam.Actor, sel storage.ExportSelection, progress func(done, total int)) error {
	enc := NewExportEncoder(w)
	enc.Progress = progress
	err := src.Export(ctx, a, sel, enc)
	if err != nil {
		enc.abort()
		return err
	}
	return enc.Close()
}

// ExportEncoder writes the certifier workbook, an .xlsx file of four
// sheets — Résultats (one row per candidate), Compétences (one row per
// candidate and competence examined), Jury (one row per member), Synthèse
// (one row per session and a total) — laid out in docs/export.md. It is a
// storage.ExportSink: hand it to storage.ExportService.Export, then call
// Close, which writes the file.
//
// Résultats and Compétences are each written by a goroutine of their own,
// fed with batches of rows while the caller reads the database; each
// deflates its sheet as it goes into a spool (memory, then a temporary
// file), so that memory does not grow with the number of candidates. Close
// writes the small sheets and the zip to w (sheetxml.go).
//
// Every text is a string cell, never a formula: a value such as
// "=HYPERLINK(…)" or "+33" is kept exactly as stored and shows as text.
// Dates are date cells shown jj/mm/aaaa; identifiers (candidate numbers,
// references, habilitations) are text, leading zeros kept.
type ExportEncoder struct {
	// Progress, if set before Begin, is told how many candidates are
	// written, out of how many.
	Progress func(done, total int)

	w    io.Writer
	head *storage.ExportHead
	sst  sharedStrings
	// Cells of Compétences, encoded once: the verdicts (satisfied, not
	// satisfied, not evaluated) and the codes of the référentiel's blocks.
	verdictCells [3][]byte
	blockCells   [][]byte
	res          *sheetStream
	comp         *sheetStream
	batch        *exportBatch
	free         chan *exportBatch
	sums         map[int64]*exportSums
	total        *exportSums
	done         int
	closed       bool
}

// NewExportEncoder returns an encoder writing to w.
func NewExportEncoder(w io.Writer) *ExportEncoder { return &ExportEncoder{w: w} }

// exportSums counts the results of a session (or of all of them).
type exportSums struct {
	candidates int
	results    map[exam.Result]int
	blocks     []map[exam.BlockOutcome]int // per block of the référentiel
}

func newExportSums(ref *exam.Referentiel) *exportSums {
	s := &exportSums{results: map[exam.Result]int{}}
	for range ref.Blocks {
		s.blocks = append(s.blocks, map[exam.BlockOutcome]int{})
	}
	return s
}

func (s *exportSums) add(r *storage.ExportRow) {
	s.candidates++
	s.results[r.Result]++
	for i, b := range r.Blocks {
		if i < len(s.blocks) {
			s.blocks[i][b.Outcome]++
		}
	}
}

// Begin starts the writers of Résultats and Compétences.
func (e *ExportEncoder) Begin(h *storage.ExportHead) error {
	if e.head != nil {
		return errors.New("export: Begin called twice")
	}
	e.head = h
	e.sums, e.total = map[int64]*exportSums{}, newExportSums(h.Referentiel)
	for _, s := range h.Sessions {
		e.sums[s.ID] = newExportSums(h.Referentiel)
	}
	e.free = make(chan *exportBatch, 8)
	e.vocabulary()
	var err error
	if e.res, err = e.newStream(ResultsSheet, resultHeaders(h.Referentiel), resultWidths(h.Referentiel), true); err != nil {
		return fmt.Errorf("export workbook: %w", err)
	}
	if e.comp, err = e.newStream(CompetencesSheet, competenceHeaders, competenceWidths, false); err != nil {
		e.res.discard()
		return fmt.Errorf("export workbook: %w", err)
	}
	e.res.start(e, e.res.writeResult)
	e.comp.start(e, e.comp.writeCompetences)
	e.progress()
	return nil
}

// vocabulary fills the shared strings: the labels, the block codes, the
// sessions' names, places, centres and référentiels.
func (e *ExportEncoder) vocabulary() {
	t := &e.sst
	for i, v := range []exam.Verdict{exam.Satisfied, exam.NotSatisfied, exam.NotEvaluated} {
		e.verdictCells[i], _ = appendCells(nil, []string{""}, []int{t.add(verdictLabel(v))})
	}
	for _, o := range []exam.BlockOutcome{exam.OutcomeAcquired, exam.OutcomeNotAcquired, exam.OutcomeAlreadyAcquired,
		exam.OutcomeNotSat, exam.OutcomePending} {
		t.add(outcomeLabel(o))
	}
	for _, r := range []exam.Result{exam.ResultTitle, exam.ResultPartial, exam.ResultNotObtained, exam.ResultAbsent,
		exam.ResultPending} {
		t.add(resultLabel(r))
	}
	for _, r := range []exam.AccessRoute{exam.RouteContinuing, exam.RouteApprenticeship, exam.RouteProContract,
		exam.RouteVAE, exam.RouteFree} {
		t.add(routeLabel(r))
	}
	for _, v := range []string{yesNo(true), yesNo(false), string(exam.Female), string(exam.Male)} {
		t.add(v)
	}
	for _, b := range e.head.Referentiel.Blocks {
		cell, _ := appendCells(nil, []string{""}, []int{t.add(b.Code)})
		e.blockCells = append(e.blockCells, cell)
	}
	for _, s := range e.head.Sessions {
		for _, v := range []string{s.Name(), s.Place, s.TrainingCentre} {
			if v != "" {
				t.add(v)
			}
		}
	}
}

// Row adds a candidate to Résultats and Compétences.
func (e *ExportEncoder) Row(r *storage.ExportRow) error {
	if e.head == nil || e.closed {
		return errors.New("export: Row outside Begin and Close")
	}
	if e.batch == nil {
		select {
		case e.batch = <-e.free:
		default:
			e.batch = &exportBatch{}
		}
	}
	e.batch.add(r)
	e.sums[r.Session.ID].add(r)
	e.total.add(r)
	if len(e.batch.rows) == batchRows {
		if err := e.send(); err != nil {
			return err
		}
	}
	e.done++
	if e.done%500 == 0 {
		e.progress()
	}
	return nil
}

func (e *ExportEncoder) progress() {
	if e.Progress != nil {
		e.Progress(e.done, e.head.Candidates)
	}
}

// batchRows is how many candidates go to the sheet goroutines at a time.
const batchRows = 256

// exportBatch is a copy of some rows, shared by the two sheet goroutines
// (the service reuses its rows and their slices).
type exportBatch struct {
	rows   []storage.ExportRow
	blocks []exam.BlockResult
	comps  []storage.ExportCompetence
	refs   atomic.Int32 // the goroutines that have not written it yet
}

func (b *exportBatch) add(r *storage.ExportRow) {
	nb, nc := len(b.blocks), len(b.comps)
	b.blocks = append(b.blocks, r.Blocks...)
	b.comps = append(b.comps, r.Competences...)
	b.rows = append(b.rows, *r)
	row := &b.rows[len(b.rows)-1]
	row.Blocks = b.blocks[nb:len(b.blocks):len(b.blocks)]
	row.Competences = b.comps[nc:len(b.comps):len(b.comps)]
	row.Candidate.Acquired = nil
}

// send hands the batch to both sheet goroutines; a goroutine's failure
// stops the export.
func (e *ExportEncoder) send() error {
	b := e.batch
	e.batch = nil
	if b == nil || len(b.rows) == 0 {
		return nil
	}
	if e.res.failed.Load() || e.comp.failed.Load() {
		e.closed = true
		err := e.stopStreams()
		e.discard()
		return fmt.Errorf("export workbook: %w", err)
	}
	b.refs.Store(2)
	e.res.in <- b
	e.comp.in <- b
	return nil
}

// release gives a batch back once both goroutines have written it.
func (e *ExportEncoder) release(b *exportBatch) {
	if b.refs.Add(-1) != 0 {
		return
	}
	clear(b.rows) // drop the strings
	b.rows, b.blocks, b.comps = b.rows[:0], b.blocks[:0], b.comps[:0]
	select {
	case e.free <- b:
	default:
	}
}

// stopStreams ends the goroutines of Résultats and Compétences and returns
// their errors.
func (e *ExportEncoder) stopStreams() error {
	var err error
	for _, s := range []*sheetStream{e.res, e.comp} {
		if s != nil {
			err = errors.Join(err, s.stop())
		}
	}
	return err
}

// discard removes what every sheet holds (temporary files).
func (e *ExportEncoder) discard() {
	for _, s := range []*sheetStream{e.res, e.comp} {
		if s != nil {
			s.discard()
		}
	}
}

// Close waits for the sheet writers, writes Jury and Synthèse, then the
// workbook to w. After an error it only cleans up.
func (e *ExportEncoder) Close() error {
	if e.head == nil {
		return errors.New("export: nothing to write (Begin was not called)")
	}
	if e.closed {
		return nil
	}
	err := e.send()
	e.closed = true
	if err == nil {
		err = e.stopStreams()
	}
	if err == nil {
		err = e.finish()
	}
	if err != nil {
		e.discard()
		return fmt.Errorf("export workbook: %w", err)
	}
	e.progress()
	return nil
}

// abort stops the sheet writers and removes their temporary files.
func (e *ExportEncoder) abort() {
	if e.head == nil || e.closed {
		return
	}
	e.closed = true
	e.batch = nil
	_ = e.stopStreams()
	e.discard()
}

func (e *ExportEncoder) finish() error {
	jury, err := e.writeJury()
	if err != nil {
		return err
	}
	summary, err := e.writeSummary()
	if err != nil {
		jury.discard()
		return err
	}
	h := e.head
	title := "Résultats de certification " + h.Referentiel.Acronym + " (" + h.Referentiel.Code + ")"
	if h.Provisional {
		title = Provisional + " — " + title
	}
	parts := append(append(slices.Clip(e.res.parts), e.comp.parts...), jury, summary)
	return writeBook(e.w, bookProps{title: title, at: h.At}, &e.sst, parts)
}

// sheetStream is a sheet of the export and its continuations, written by
// a goroutine of its own for Résultats and Compétences.
type sheetStream struct {
	e       *ExportEncoder
	base    string // the first part's name
	spec    sheetSpec
	parts   []*sheetPart
	in      chan *exportBatch
	done    chan error
	failed  atomic.Bool
	stopped bool
	row     []cellValue // Résultats: the cells of a row, reused
	prefix  []byte      // Compétences: the first cells of a candidate's rows
}

// newStream opens the sheet base (PROVISOIRE in a draft) with its header.
func (e *ExportEncoder) newStream(base string, headers []string, widths []float64, selected bool) (*sheetStream, error) {
	h := e.head
	spec := sheetSpec{headers: headers, widths: widths, title: base + " — " + h.Referentiel.Acronym}
	if h.Provisional {
		spec.banner, spec.title = ProvisionalBanner, Provisional+" — "+spec.title
	}
	s := &sheetStream{e: e, base: ExportSheetName(base, h.Provisional), spec: spec}
	p, err := newSheetPart(s.base, &s.spec, &e.sst, selected)
	if err != nil {
		return nil, err
	}
	s.parts = []*sheetPart{p}
	return s, nil
}

// part returns the part the next row goes to, opening a continuation when
// the current one is full.
func (s *sheetStream) part() (*sheetPart, error) {
	p := s.parts[len(s.parts)-1]
	if p.err != nil {
		return nil, p.err
	}
	if !p.full() {
		return p, nil
	}
	if err := p.close(); err != nil {
		return nil, err
	}
	p, err := newSheetPart(fmt.Sprintf("%s (%d)", s.base, len(s.parts)+1), &s.spec, &s.e.sst, false)
	if err != nil {
		return nil, err
	}
	s.parts = append(s.parts, p)
	return p, nil
}

// start makes a goroutine write, with write, the rows of the batches sent.
func (s *sheetStream) start(e *ExportEncoder, write func(r *storage.ExportRow) error) {
	s.in, s.done = make(chan *exportBatch, 4), make(chan error, 1)
	go func() {
		var err error
		for b := range s.in {
			for i := 0; err == nil && i < len(b.rows); i++ {
				err = write(&b.rows[i])
			}
			if err != nil {
				s.failed.Store(true)
			}
			e.release(b)
		}
		if err == nil {
			err = s.parts[len(s.parts)-1].close()
		}
		s.done <- err
	}()
}

// stop waits for the goroutine to write what it was sent and close the
// last part.
func (s *sheetStream) stop() error {
	if s.in == nil || s.stopped {
		return nil
	}
	s.stopped = true
	close(s.in)
	return <-s.done
}

// close closes the last part of a sheet written without a goroutine.
func (s *sheetStream) close() error { return s.parts[len(s.parts)-1].close() }

// discard drops every part.
func (s *sheetStream) discard() {
	for _, p := range s.parts {
		p.discard()
	}
}

// cellValue is a cell of a Résultats row.
type cellValue struct {
	text string
	date exam.Date
	kind int
}

// Kinds of cellValue.
const (
	textCell  = iota // data: a name, a number…
	labelCell        // a label or code, most likely a shared string
	dateCell
)

func textValue(s string) cellValue    { return cellValue{text: s} }
func labelValue(s string) cellValue   { return cellValue{text: s, kind: labelCell} }
func dateValue(d exam.Date) cellValue { return cellValue{date: d, kind: dateCell} }

// writeResult writes a candidate's Résultats row.
func (s *sheetStream) writeResult(r *storage.ExportRow) error {
	p, err := s.part()
	if err != nil {
		return err
	}
	s.row = resultRow(r, s.row[:0], textValue, labelValue, dateValue)
	p.startRow("")
	for _, c := range s.row {
		switch c.kind {
		case dateCell:
			p.date(c.date)
		case labelCell:
			p.label(c.text)
		default:
			p.text(c.text)
		}
	}
	p.endRow()
	return nil
}

// writeCompetences writes a candidate's Compétences rows. What repeats on
// each — the session, the candidate's number and names, the block, the
// verdict — is encoded once.
func (s *sheetStream) writeCompetences(r *storage.ExportRow) error {
	c := &r.Candidate
	e := s.e
	session := e.sst.index[r.Session.Name()]
	var ok bool
	s.prefix, ok = appendCells(s.prefix[:0], []string{"", c.Number, c.BirthName, c.FirstNames}, []int{session, -1, -1, -1})
	for i := range r.Competences {
		cv := &r.Competences[i]
		p, err := s.part()
		if err != nil {
			return err
		}
		p.startRow("")
		if ok {
			p.cells(s.prefix, 4)
		} else {
			p.shared(session)
			p.text(c.Number)
			p.text(c.BirthName)
			p.text(c.FirstNames)
		}
		p.cells(e.blockCell(cv.Block), 1)
		p.int(cv.Competence)
		switch cv.Verdict {
		case exam.Satisfied:
			p.cells(e.verdictCells[0], 1)
		case exam.NotSatisfied:
			p.cells(e.verdictCells[1], 1)
		default:
			p.cells(e.verdictCells[2], 1)
		}
		p.endRow()
	}
	return nil
}

// blockCell is the cell of a block's code.
func (e *ExportEncoder) blockCell(b *exam.Block) []byte {
	for i := range e.head.Referentiel.Blocks {
		if &e.head.Referentiel.Blocks[i] == b {
			return e.blockCells[i]
		}
	}
	cell, _ := appendCells(nil, []string{b.Code}, []int{e.sst.add(b.Code)}) // never: the blocks are the référentiel's
	return cell
}

// excelEpoch is day 0 of Excel's serial numbers, 30 December 1899, in Unix
// seconds.
var excelEpoch = time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).Unix()

// excelSerial is the Excel serial number of a date (1900 date system,
// which counts a 29 February 1900 that never was).
func excelSerial(d exam.Date) float64 {
	days := float64((d.Time().Unix() - excelEpoch) / 86400)
	if days < 61 {
		days--
	}
	return days
}

// resultHeaders is the header of Résultats: identity, session, access
// route, then code and result of each block, decision, date,
// accommodations granted (Oui/Non) and which.
func resultHeaders(ref *exam.Referentiel) []string {
	h := []string{"Session", "Début de la session", "Fin de la session", "Lieu", "Centre organisateur",
		"N° candidat", "Nom de naissance", "Nom d'usage", "Prénoms", "Sexe", "Date de naissance",
		"Commune de naissance", "Pays de naissance", "Modalité d'accès", "Centre de formation"}
	for _, b := range ref.Blocks {
		h = append(h, "Code "+b.Short, "Résultat "+b.Short)
	}
	return append(h, "Décision", "Date de la décision", "Aménagements accordés", "Aménagements")
}

func resultWidths(ref *exam.Referentiel) []float64 {
	w := []float64{16, 12, 12, 30, 28, 14, 22, 18, 24, 7, 12, 22, 16, 24, 28}
	for range ref.Blocks {
		w = append(w, 16, 14)
	}
	return append(w, 22, 12, 13, 40)
}

// resultRow appends the cells of a Résultats row to dst, turning data
// texts, labels (and codes, the session's name and place) and dates into
// cells with text, label and date: the one list of the columns, for the
// workbook (cells) and the CSV (strings).
func resultRow[T any](r *storage.ExportRow, dst []T, text, label func(string) T, date func(exam.Date) T) []T {
	s, c := r.Session, &r.Candidate
	dst = append(dst, label(s.Name()), date(s.StartDate), date(s.LastDay()), label(s.Place), label(s.TrainingCentre),
		text(c.Number), text(c.BirthName), text(c.UsageName), text(c.FirstNames), label(string(c.Sex)), date(c.BirthDate),
		text(c.BirthCity), text(c.BirthCountry), label(routeLabel(c.AccessRoute)), text(c.TrainingCentre))
	for _, b := range r.Blocks {
		dst = append(dst, label(b.Block), label(outcomeLabel(b.Outcome)))
	}
	decided := date(exam.Date{})
	if r.Result != exam.ResultPending {
		decided = date(s.DecisionDate())
	}
	return append(dst, label(resultLabel(r.Result)), decided, label(yesNo(r.Accommodations)), text(r.AccommodationList))
}

var competenceHeaders = []string{"Session", "N° candidat", "Nom de naissance", "Prénoms", "Code du bloc",
	"N° de compétence", "Évaluation du jury"}

var competenceWidths = []float64{16, 14, 22, 24, 16, 13, 18}

var juryHeaders = []string{"Session", "Début de la session", "Nom", "Rôle", "Organisation", "N° d'habilitation",
	"Extérieur au centre", "Signature du procès-verbal"}

var juryWidths = []float64{16, 12, 26, 14, 36, 18, 10, 14}

// writeJury writes one row per member of each session.
func (e *ExportEncoder) writeJury() (*sheetPart, error) {
	s, err := e.newStream(JurySheet, juryHeaders, juryWidths, false)
	if err != nil {
		return nil, err
	}
	p := s.parts[0]
	for _, sess := range e.head.Sessions {
		for _, m := range sess.Jury {
			var signed exam.Date
			for _, sg := range sess.Minutes.Signatures {
				if sg.MemberID == m.ID {
					signed = exam.DateOf(sg.SignedAt.In(time.Local))
				}
			}
			p.startRow("")
			p.text(sess.Name())
			p.date(sess.StartDate)
			p.text(m.Name)
			p.text(juryRoleLabel(m.Role))
			p.text(m.Organisation)
			p.text(m.Habilitation)
			p.text(yesNo(m.External))
			p.date(signed)
			p.endRow()
		}
	}
	if err := s.close(); err != nil {
		p.discard()
		return nil, err
	}
	return p, nil
}

// summaryHeaders is the header of Synthèse; a draft adds the pending counts.
func summaryHeaders(ref *exam.Referentiel, provisional bool) []string {
	h := []string{"Session", "Type", "Parcours", "Début de la session", "Fin de la session", "Lieu",
		"Centre organisateur", "Référentiel", "Version", "Candidats", "Titre obtenu", "Certification partielle",
		"Non obtenu", "Absent"}
	if provisional {
		h = append(h, "En attente")
	}
	for _, b := range ref.Blocks {
		h = append(h, b.Short+" acquis", b.Short+" non acquis", b.Short+" déjà acquis", b.Short+" non présenté")
		if provisional {
			h = append(h, b.Short+" en attente")
		}
	}
	return append(h, "Procès-verbal signé le", "Corrections après signature")
}

func summaryWidths(ref *exam.Referentiel, provisional bool) []float64 {
	w := []float64{16, 14, 16, 12, 12, 30, 28, 13, 22, 11, 10, 13, 10, 9}
	if provisional {
		w = append(w, 10)
	}
	for range ref.Blocks {
		w = append(w, 10, 10, 10, 11)
		if provisional {
			w = append(w, 10)
		}
	}
	return append(w, 14, 13)
}

// summaryCounts writes the counts of s.
func summaryCounts(p *sheetPart, s *exportSums, provisional bool) {
	p.int(s.candidates)
	for _, r := range []exam.Result{exam.ResultTitle, exam.ResultPartial, exam.ResultNotObtained, exam.ResultAbsent} {
		p.int(s.results[r])
	}
	if provisional {
		p.int(s.results[exam.ResultPending])
	}
	for _, b := range s.blocks {
		for _, o := range []exam.BlockOutcome{exam.OutcomeAcquired, exam.OutcomeNotAcquired, exam.OutcomeAlreadyAcquired, exam.OutcomeNotSat} {
			p.int(b[o])
		}
		if provisional {
			p.int(b[exam.OutcomePending])
		}
	}
}

// writeSummary writes one row per session and the total.
func (e *ExportEncoder) writeSummary() (*sheetPart, error) {
	h, ref := e.head, e.head.Referentiel
	s, err := e.newStream(SummarySheet, summaryHeaders(ref, h.Provisional), summaryWidths(ref, h.Provisional), false)
	if err != nil {
		return nil, err
	}
	p := s.parts[0]
	for _, sess := range h.Sessions {
		p.startRow("")
		for _, v := range []string{sess.Name(), kindLabel(sess.Kind), scopeLabel(sess.Scope)} {
			p.text(v)
		}
		p.date(sess.StartDate)
		p.date(sess.LastDay())
		for _, v := range []string{sess.Place, sess.TrainingCentre, sess.Referentiel, sess.ReferentielVersion} {
			p.text(v)
		}
		summaryCounts(p, e.sums[sess.ID], h.Provisional)
		if sess.Locked() {
			p.date(sess.DecisionDate())
		} else {
			p.text("Non signé")
		}
		amended := "Aucune"
		if n := len(sess.Minutes.Amendments); n > 0 {
			amended = strconv.Itoa(n)
		}
		p.text(amended)
		p.endRow()
	}
	if len(h.Sessions) > 1 {
		p.startRow("")
		p.text("Total")
		for range 8 {
			p.skip()
		}
		summaryCounts(p, e.total, h.Provisional)
		p.endRow()
	}
	if err := s.close(); err != nil {
		p.discard()
		return nil, err
	}
	return p, nil
}

// French labels of the export.

func routeLabel(r exam.AccessRoute) string {
	switch r {
	case exam.RouteContinuing:
		return "Formation continue"
	case exam.RouteApprenticeship:
		return "Apprentissage"
	case exam.RouteProContract:
		return "Contrat de professionnalisation"
	case exam.RouteVAE:
		return "VAE"
	case exam.RouteFree:
		return "Candidat libre"
	}
	return string(r)
}

func outcomeLabel(o exam.BlockOutcome) string {
	switch o {
	case exam.OutcomeAcquired:
		return "Acquis"
	case exam.OutcomeNotAcquired:
		return "Non acquis"
	case exam.OutcomeAlreadyAcquired:
		return "Déjà acquis"
	case exam.OutcomeNotSat:
		return "Non présenté"
	}
	return "En attente"
}

func resultLabel(r exam.Result) string {
	switch r {
	case exam.ResultTitle:
		return "Titre obtenu"
	case exam.ResultPartial:
		return "Certification partielle"
	case exam.ResultNotObtained:
		return "Non obtenu"
	case exam.ResultAbsent:
		return "Absent"
	}
	return "En attente"
}

func verdictLabel(v exam.Verdict) string {
	switch v {
	case exam.Satisfied:
		return "Satisfaite"
	case exam.NotSatisfied:
		return "Non satisfaite"
	}
	return "Non évaluée"
}

func juryRoleLabel(r exam.JuryRole) string {
	if r == exam.JuryPresident {
		return "Président(e)"
	}
	return "Membre"
}

func kindLabel(k exam.SessionKind) string {
	if k == exam.KindCertification {
		return "Certification"
	}
	return "Examen blanc"
}

func scopeLabel(s exam.Scope) string {
	if s == exam.ScopeCCP {
		return "CCP"
	}
	return "Titre complet"
}

func yesNo(b bool) string {
	if b {
		return "Oui"
	}
	return "Non"
}
