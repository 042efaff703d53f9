package xlsx

import (
	"archive/zip"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
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
// when src refuses the selection.
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
// Rows are streamed (excelize's StreamWriter, through temporary files) and
// the zip is written straight to w, so memory does not grow with the number
// of candidates. Résultats and Compétences are each written by a goroutine
// of their own while the caller reads the database.
//
// Every text is a string cell, never a formula: a value such as
// "=HYPERLINK(…)" or "+33" is kept exactly as stored and shows as text.
// Dates are date cells shown jj/mm/aaaa; identifiers (candidate numbers,
// references, habilitations) are text, leading zeros kept.
type ExportEncoder struct {
	// Progress, if set before Begin, is told how many candidates are
	// written, out of how many.
	Progress func(done, total int)

	w      io.Writer
	f      *excelize.File
	zw     *zip.Writer
	head   *storage.ExportHead
	st     exportStyles
	fmu    sync.Mutex // guards the workbook while the sheet goroutines run
	res    *exportSheet
	comp   *exportSheet
	sums   map[int64]*exportSums
	total  *exportSums
	done   int
	closed bool
}

// NewExportEncoder returns an encoder writing to w.
func NewExportEncoder(w io.Writer) *ExportEncoder { return &ExportEncoder{w: w} }

type exportStyles struct {
	header, date, banner int
}

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

// Begin creates the workbook and starts the sheet writers.
func (e *ExportEncoder) Begin(h *storage.ExportHead) error {
	if e.f != nil {
		return errors.New("export: Begin called twice")
	}
	e.head = h
	e.f = excelize.NewFile()
	e.zw = zip.NewWriter(e.w)
	// Fast compression: a large export is mostly repeated XML, and the
	// default level costs three times as long for a file 15 % smaller.
	e.zw.RegisterCompressor(zip.Deflate, func(w io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(w, flate.BestSpeed)
	})
	// excelize builds the zip in memory and then copies it to the writer;
	// handing it a zip.Writer on w instead streams it.
	e.f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return e.zw })
	e.sums, e.total = map[int64]*exportSums{}, newExportSums(h.Referentiel)
	for _, s := range h.Sessions {
		e.sums[s.ID] = newExportSums(h.Referentiel)
	}
	if err := e.begin(); err != nil {
		e.abort()
		return fmt.Errorf("export workbook: %w", err)
	}
	e.progress()
	return nil
}

func (e *ExportEncoder) begin() error {
	f, h := e.f, e.head
	title := "Résultats de certification " + h.Referentiel.Acronym + " (" + h.Referentiel.Code + ")"
	if h.Provisional {
		title = Provisional + " — " + title
	}
	if err := outDocProps(f, title, h.At); err != nil {
		return err
	}
	var err error
	dateFmt := outDateFormat
	for _, s := range []struct {
		id    *int
		style *excelize.Style
	}{
		{&e.st.header, &excelize.Style{Font: &excelize.Font{Bold: true},
			Border:    []excelize.Border{{Type: "bottom", Color: "808080", Style: 1}},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDEBF7"}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true}}},
		{&e.st.date, &excelize.Style{CustomNumFmt: &dateFmt, Alignment: &excelize.Alignment{Horizontal: "left"}}},
		{&e.st.banner, &excelize.Style{Font: &excelize.Font{Bold: true, Size: 13, Color: "9C0006"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"FFEB9C"}},
			Alignment: &excelize.Alignment{Vertical: "center"}}},
	} {
		if *s.id, err = f.NewStyle(s.style); err != nil {
			return err
		}
	}
	// The sheets in workbook order: Résultats and, when the candidates do
	// not fit in one sheet, its continuations (their number is known), then
	// Compétences; its continuations, Jury and Synthèse are added as they
	// come. Never reorder sheets afterwards: excelize's MoveSheet and
	// SetActiveSheet read every worksheet back, streamed ones included.
	names := []string{ExportSheetName(ResultsSheet, h.Provisional)}
	perSheet := maxSheetRows - 1
	if h.Provisional {
		perSheet--
	}
	for i := 2; (i-1)*perSheet < h.Candidates; i++ {
		names = append(names, fmt.Sprintf("%s (%d)", names[0], i))
	}
	names = append(names, ExportSheetName(CompetencesSheet, h.Provisional))
	for i, name := range names {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), name)
		} else {
			_, err = f.NewSheet(name)
		}
		if err != nil {
			return err
		}
	}
	if e.res, err = e.newSheet(ResultsSheet, resultHeaders(h.Referentiel), resultWidths(h.Referentiel)); err != nil {
		return err
	}
	if e.comp, err = e.newSheet(CompetencesSheet, competenceHeaders, competenceWidths); err != nil {
		return err
	}
	e.res.start()
	e.comp.start()
	return nil
}

// Row adds a candidate to Résultats and Compétences.
func (e *ExportEncoder) Row(r *storage.ExportRow) error {
	if e.f == nil || e.closed {
		return errors.New("export: Row outside Begin and Close")
	}
	if err := e.res.add(resultValues(r, make([]any, 0, e.res.width), e.dateCell)); err != nil {
		return err
	}
	for i := range r.Competences {
		if err := e.comp.add(competenceValues(r, &r.Competences[i], make([]any, 0, len(competenceHeaders)))); err != nil {
			return err
		}
	}
	e.sums[r.Session.ID].add(r)
	e.total.add(r)
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

// skipEmpty replaces empty strings by nil: no cell is written for them.
func skipEmpty(row []any) []any {
	for i, v := range row {
		if v == "" {
			row[i] = nil
		}
	}
	return row
}

// dateCell is a date as an Excel date cell shown jj/mm/aaaa; nil when unset.
func (e *ExportEncoder) dateCell(d exam.Date) any {
	if d.IsZero() {
		return nil
	}
	return excelize.Cell{StyleID: e.st.date, Value: excelSerial(d)}
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

// Close waits for the sheet writers, writes Jury and Synthèse and the
// workbook to w. After an error it only cleans up.
func (e *ExportEncoder) Close() error {
	if e.f == nil {
		return errors.New("export: nothing to write (Begin was not called)")
	}
	if e.closed {
		return nil
	}
	e.closed = true
	defer e.f.Close()
	err := errors.Join(e.res.finish(), e.comp.finish())
	if err == nil {
		err = e.finish()
	}
	if err != nil {
		return fmt.Errorf("export workbook: %w", err)
	}
	e.progress()
	return nil
}

// abort stops the sheet writers and removes their temporary files.
func (e *ExportEncoder) abort() {
	if e.f == nil || e.closed {
		return
	}
	e.closed = true
	for _, s := range []*exportSheet{e.res, e.comp} {
		if s != nil {
			_ = s.finish()
		}
	}
	_ = e.f.Close()
}

func (e *ExportEncoder) finish() error {
	if err := e.writeJury(); err != nil {
		return err
	}
	if err := e.writeSummary(); err != nil {
		return err
	}
	if err := e.f.Write(io.Discard); err != nil {
		return err
	}
	// The zip went to w through SetZipWriter; excelize closed it.
	return nil
}

// resultHeaders is the header of Résultats: identity, session, access
// route, then code and result of each block, decision, date, accommodations.
func resultHeaders(ref *exam.Referentiel) []string {
	h := []string{"Session", "Début de la session", "Fin de la session", "Lieu", "Centre organisateur",
		"N° candidat", "Nom de naissance", "Nom d'usage", "Prénoms", "Sexe", "Date de naissance",
		"Commune de naissance", "Pays de naissance", "Modalité d'accès", "Centre de formation"}
	for _, b := range ref.Blocks {
		h = append(h, "Code "+b.Short, "Résultat "+b.Short)
	}
	return append(h, "Décision", "Date de la décision", "Aménagements")
}

func resultWidths(ref *exam.Referentiel) []float64 {
	w := []float64{16, 12, 12, 30, 28, 14, 22, 18, 24, 7, 12, 22, 16, 24, 28}
	for range ref.Blocks {
		w = append(w, 16, 14)
	}
	return append(w, 22, 12, 13)
}

// resultValues appends the cells of a Résultats row to dst; date turns a
// date into its cell.
func resultValues(r *storage.ExportRow, dst []any, date func(exam.Date) any) []any {
	return resultRow(r, dst, func(s string) any { return s }, date)
}

// resultRow appends the cells of a Résultats row to dst, turning texts and
// dates into cells with text and date: the one list of the columns, for the
// workbook (cells) and the CSV (strings).
func resultRow[T any](r *storage.ExportRow, dst []T, text func(string) T, date func(exam.Date) T) []T {
	s, c := r.Session, &r.Candidate
	dst = append(dst, text(s.Name()), date(s.StartDate), date(s.LastDay()), text(s.Place), text(s.TrainingCentre),
		text(c.Number), text(c.BirthName), text(c.UsageName), text(c.FirstNames), text(string(c.Sex)), date(c.BirthDate),
		text(c.BirthCity), text(c.BirthCountry), text(routeLabel(c.AccessRoute)), text(c.TrainingCentre))
	for _, b := range r.Blocks {
		dst = append(dst, text(b.Block), text(outcomeLabel(b.Outcome)))
	}
	decided := date(exam.Date{})
	if r.Result != exam.ResultPending {
		decided = date(s.DecisionDate())
	}
	return append(dst, text(resultLabel(r.Result)), decided, text(yesNo(r.Accommodations)))
}

var competenceHeaders = []string{"Session", "N° candidat", "Nom de naissance", "Prénoms", "Code du bloc",
	"N° de compétence", "Évaluation du jury"}

var competenceWidths = []float64{16, 14, 22, 24, 16, 13, 18}

func competenceValues(r *storage.ExportRow, cv *storage.ExportCompetence, dst []any) []any {
	c := &r.Candidate
	return append(dst, r.Session.Name(), c.Number, c.BirthName, c.FirstNames, cv.Block.Code, cv.Competence,
		verdictLabel(cv.Verdict))
}

var juryHeaders = []string{"Session", "Début de la session", "Nom", "Rôle", "Organisation", "N° d'habilitation",
	"Extérieur au centre", "Signature du procès-verbal"}

var juryWidths = []float64{16, 12, 26, 14, 36, 18, 10, 14}

// writeJury writes one row per member of each session.
func (e *ExportEncoder) writeJury() error {
	sh, err := e.newSheet(JurySheet, juryHeaders, juryWidths)
	if err != nil {
		return err
	}
	for _, s := range e.head.Sessions {
		for _, m := range s.Jury {
			var signed exam.Date
			for _, sg := range s.Minutes.Signatures {
				if sg.MemberID == m.ID {
					signed = exam.DateOf(sg.SignedAt.In(time.Local))
				}
			}
			row := []any{s.Name(), e.dateCell(s.StartDate), m.Name, juryRoleLabel(m.Role), m.Organisation,
				m.Habilitation, yesNo(m.External), e.dateCell(signed)}
			if err := sh.write(row); err != nil {
				return err
			}
		}
	}
	return sh.close()
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

// summaryCounts appends the counts of s.
func summaryCounts(dst []any, s *exportSums, provisional bool) []any {
	dst = append(dst, s.candidates, s.results[exam.ResultTitle], s.results[exam.ResultPartial],
		s.results[exam.ResultNotObtained], s.results[exam.ResultAbsent])
	if provisional {
		dst = append(dst, s.results[exam.ResultPending])
	}
	for _, b := range s.blocks {
		dst = append(dst, b[exam.OutcomeAcquired], b[exam.OutcomeNotAcquired], b[exam.OutcomeAlreadyAcquired], b[exam.OutcomeNotSat])
		if provisional {
			dst = append(dst, b[exam.OutcomePending])
		}
	}
	return dst
}

// writeSummary writes one row per session and the total.
func (e *ExportEncoder) writeSummary() error {
	h, ref := e.head, e.head.Referentiel
	sh, err := e.newSheet(SummarySheet, summaryHeaders(ref, h.Provisional), summaryWidths(ref, h.Provisional))
	if err != nil {
		return err
	}
	for _, s := range h.Sessions {
		row := []any{s.Name(), kindLabel(s.Kind), scopeLabel(s.Scope), e.dateCell(s.StartDate), e.dateCell(s.LastDay()),
			s.Place, s.TrainingCentre, s.Referentiel, s.ReferentielVersion}
		row = summaryCounts(row, e.sums[s.ID], h.Provisional)
		amended := "Aucune"
		if n := len(s.Minutes.Amendments); n > 0 {
			amended = strconv.Itoa(n)
		}
		var signed any = "Non signé"
		if s.Locked() {
			signed = e.dateCell(s.DecisionDate())
		}
		if err := sh.write(append(row, signed, amended)); err != nil {
			return err
		}
	}
	if len(h.Sessions) > 1 {
		row := []any{"Total", nil, nil, nil, nil, nil, nil, nil, nil}
		if err := sh.write(summaryCounts(row, e.total, h.Provisional)); err != nil {
			return err
		}
	}
	return sh.close()
}

// exportSheet is one streamed worksheet with its header, continued in a new
// sheet when full.
type exportSheet struct {
	e       *ExportEncoder
	base    string
	headers []string
	widths  []float64
	width   int
	sw      *excelize.StreamWriter
	name    string
	parts   []string // sheet names, the first one and its continuations
	top     int      // the header's row: 1, or 2 under the draft banner
	row     int      // the last row written
	// With a goroutine (start): rows go through ch in batches, the
	// goroutine's error comes back on done.
	ch    chan [][]any
	batch [][]any
	done  chan error
	err   error
}

func (e *ExportEncoder) newSheet(base string, headers []string, widths []float64) (*exportSheet, error) {
	s := &exportSheet{e: e, base: base, headers: headers, widths: widths, width: len(headers)}
	if err := s.open(ExportSheetName(base, e.head.Provisional)); err != nil {
		return nil, err
	}
	return s, nil
}

// open starts the worksheet name (created if missing): widths, frozen
// header, the draft banner, the header row. The caller holds fmu or runs
// alone.
func (s *exportSheet) open(name string) error {
	f, prov := s.e.f, s.e.head.Provisional
	if idx, err := f.GetSheetIndex(name); err != nil {
		return err
	} else if idx < 0 {
		if _, err := f.NewSheet(name); err != nil {
			return err
		}
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return err
	}
	s.sw, s.name, s.row = sw, name, 0
	s.parts = append(s.parts, name)
	for i, w := range s.widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return err
		}
	}
	s.top = 1
	if prov {
		s.top = 2
	}
	cell := fmt.Sprintf("A%d", s.top+1)
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: s.top, TopLeftCell: cell, ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: cell, ActiveCell: cell, Pane: "bottomLeft"}}}); err != nil {
		return err
	}
	if prov {
		if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: s.e.st.banner, Value: ProvisionalBanner}},
			excelize.RowOpts{Height: 24}); err != nil {
			return err
		}
		last, _ := excelize.ColumnNumberToName(s.width)
		if err := sw.MergeCell("A1", last+"1"); err != nil {
			return err
		}
	}
	head := make([]any, len(s.headers))
	for i, h := range s.headers {
		head[i] = excelize.Cell{StyleID: s.e.st.header, Value: h}
	}
	if err := sw.SetRow(fmt.Sprintf("A%d", s.top), head, excelize.RowOpts{Height: 32}); err != nil {
		return err
	}
	s.row = s.top
	return s.printSetup()
}

// printSetup prints the sheet landscape with the header rows repeated and
// the title (PROVISOIRE in a draft) in the page header.
func (s *exportSheet) printSetup() error {
	f := s.e.f
	landscape := "landscape"
	if err := f.SetPageLayout(s.name, &excelize.PageLayoutOptions{Orientation: &landscape}); err != nil {
		return err
	}
	title := s.base + " — " + s.e.head.Referentiel.Acronym
	if s.e.head.Provisional {
		title = Provisional + " — " + title
	}
	if err := f.SetHeaderFooter(s.name, &excelize.HeaderFooterOptions{
		OddHeader: "&L" + strings.ReplaceAll(title, "&", "&&") + "&RPage &P/&N"}); err != nil {
		return err
	}
	return f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles",
		RefersTo: fmt.Sprintf("'%s'!$%d:$%d", s.name, s.top, s.top), Scope: s.name})
}

// write adds a row, continuing in a new sheet when this one is full.
func (s *exportSheet) write(values []any) error {
	if s.row >= maxSheetRows {
		if err := s.next(); err != nil {
			return err
		}
	}
	s.row++
	return s.sw.SetRow("A"+strconv.Itoa(s.row), skipEmpty(values))
}

// next closes the full sheet and opens its continuation.
func (s *exportSheet) next() error {
	s.e.fmu.Lock()
	defer s.e.fmu.Unlock()
	if err := s.closeLocked(); err != nil {
		return err
	}
	name := fmt.Sprintf("%s (%d)", ExportSheetName(s.base, s.e.head.Provisional), len(s.parts)+1)
	return s.open(name)
}

// close sets the autofilter over the rows written and ends the stream.
func (s *exportSheet) close() error {
	s.e.fmu.Lock()
	defer s.e.fmu.Unlock()
	return s.closeLocked()
}

func (s *exportSheet) closeLocked() error {
	last, err := excelize.CoordinatesToCellName(s.width, max(s.row, s.top+1))
	if err != nil {
		return err
	}
	if err := s.e.f.AutoFilter(s.name, fmt.Sprintf("A%d:%s", s.top, last), nil); err != nil {
		return err
	}
	return s.sw.Flush()
}

// rowBatch is how many rows go to a sheet goroutine at a time.
const rowBatch = 256

// start makes a goroutine write the rows given to add.
func (s *exportSheet) start() {
	s.ch, s.done = make(chan [][]any, 8), make(chan error, 1)
	go func() {
		var err error
		for batch := range s.ch {
			for _, row := range batch {
				if err == nil {
					err = s.write(row)
				}
			}
		}
		if err == nil {
			err = s.close()
		}
		s.done <- err
	}()
}

// add queues a row for the goroutine.
func (s *exportSheet) add(row []any) error {
	if s.err != nil {
		return s.err
	}
	s.batch = append(s.batch, row)
	if len(s.batch) == rowBatch {
		s.ch <- s.batch
		s.batch = make([][]any, 0, rowBatch)
	}
	return nil
}

// finish sends the last rows and waits for the goroutine.
func (s *exportSheet) finish() error {
	if s.ch == nil {
		return s.err
	}
	if len(s.batch) > 0 {
		s.ch <- s.batch
		s.batch = nil
	}
	close(s.ch)
	s.err = <-s.done
	s.ch = nil
	return s.err
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
