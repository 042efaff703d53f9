package ui

import (
	"context"
	"fmt"
	"image/color"
	"io"
	"math"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/lang"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/amisjury/amis/exam"
)

// qcmResults is the Résultats tab: the finished attempts on the left; on
// the right the chosen attempt's score per CCP and per competence, the
// candidate's entry and exit side by side, and the cohort's distribution,
// all drawn with canvas rectangles and texts in theme colours; Exporter
// writes the results shown as .xlsx.
type qcmResults struct {
	s       *qcmScreen
	content fyne.CanvasObject

	filter    *widget.Select // the questionnaire, or all
	filterIDs []int64        // parallel to filter.Options; 0: all
	block     *widget.Select // what the distribution is of: total or a CCP
	blocks    []string       // parallel to block.Options; "": total
	list      *widget.List
	exportBtn *widget.Button
	status    *widget.Label

	title      *widget.Label
	score      *widget.Label
	byBlock    *fyne.Container
	byComp     *fyne.Container
	progress   *fyne.Container
	progressOf *widget.Label
	cohort     *widget.Label
	histogram  *histogram
	detail     *fyne.Container
	empty      *widget.Label

	all      []exam.AttemptResult
	shown    []exam.AttemptResult // all, filtered, latest first
	names    map[int64]string     // candidate ID → name
	selectID int64
	seq      int
	syncing  bool
}

func newQCMResults(s *qcmScreen) *qcmResults {
	r := &qcmResults{s: s, names: map[int64]string{}, syncing: true}
	defer func() { r.syncing = false }()
	r.filter = widget.NewSelect(nil, func(string) { r.apply() })
	r.filter.PlaceHolder = lang.L("qcm.results.all")
	r.block = widget.NewSelect(nil, func(string) { r.showCohort() })
	r.blocks = []string{""}
	opts := []string{lang.L("qcm.results.total")}
	if ref := s.deps.Referentiel; ref != nil {
		for _, b := range ref.Blocks {
			r.blocks = append(r.blocks, b.Short)
			opts = append(opts, b.Short)
		}
	}
	r.block.Options = opts
	r.block.SetSelectedIndex(0)
	r.list = widget.NewList(func() int { return len(r.shown) }, newCandidateRow, func(id widget.ListItemID, o fyne.CanvasObject) {
		if id < 0 || id >= len(r.shown) {
			return
		}
		res := r.shown[id]
		box := o.(*fyne.Container)
		box.Objects[0].(*widget.Label).SetText(r.names[res.CandidateID])
		box.Objects[1].(*widget.Label).SetText(lang.L("qcm.results.row", map[string]any{
			"Title": res.Title, "At": dateTimeText(res.Ended), "Score": scoreText(res.Total)}))
	})
	r.list.OnSelected = func(id widget.ListItemID) {
		if !r.syncing && id >= 0 && id < len(r.shown) {
			r.selectID = r.shown[id].AttemptID
			r.showAttempt()
		}
	}
	r.exportBtn = widget.NewButtonWithIcon(lang.L("qcm.results.export"), theme.DownloadIcon(), r.onExport)
	if s.deps.ExportResults == nil {
		r.exportBtn.Hide()
	}
	r.exportBtn.Disable()
	r.status = newStatusLabel()
	r.status.Hide()

	r.title = newHeading("")
	r.score = newBoldLabel("")
	r.byBlock = container.NewVBox()
	r.byComp = container.NewVBox()
	r.progressOf = newWrapLabel("")
	r.progress = container.NewVBox()
	r.cohort = newWrapLabel("")
	r.histogram = newHistogram()
	r.empty = newWrapLabel(lang.L("qcm.results.none"))
	r.detail = container.NewVBox(
		r.title, r.score,
		newHeading(lang.L("qcm.results.by_block")), r.byBlock,
		newHeading(lang.L("qcm.results.by_competence")), r.byComp,
		widget.NewSeparator(),
		newHeading(lang.L("qcm.results.progress")), r.progressOf, r.progress,
	)
	r.detail.Hide()
	cohort := container.NewVBox(widget.NewSeparator(), newHeading(lang.L("qcm.results.cohort")),
		container.NewBorder(nil, nil, widget.NewLabel(lang.L("qcm.results.cohort.of")), nil, r.block), r.cohort, r.histogram)
	right := newPageScroll(container.NewVBox(r.empty, r.detail, cohort))
	top := container.NewBorder(nil, nil, widget.NewLabel(lang.L("qcm.results.questionnaire")), nil, r.filter)
	left := container.NewBorder(top, container.NewVBox(r.status, container.NewHBox(r.exportBtn)), nil, nil, r.list)
	split := container.NewHSplit(left, right)
	split.Offset = 0.35
	r.content = split
	return r
}

// scoreText is "7 / 9 (78 %)".
func scoreText(s exam.Score) string {
	return lang.L("qcm.results.score", map[string]any{"Right": s.Right, "Total": s.Total, "Percent": percentText(s.Percent())})
}

// percentText rounds a percentage to the unit.
func percentText(p float64) string { return fmt.Sprintf("%d", int(math.Round(p))) }

// load reads the finished attempts' results and the candidates' names.
func (r *qcmResults) load() {
	svc, actor := r.s.deps.QCM, r.s.actor()
	if svc == nil {
		return
	}
	r.seq++
	seq := r.seq
	r.s.loading++
	r.s.tasks.run(func() func() {
		ctx := context.Background()
		f := exam.AttemptFilter{Finished: true}
		res, err := svc.Results(ctx, actor, f)
		var sums []exam.AttemptSummary
		var qns []exam.Questionnaire
		if err == nil {
			sums, err = svc.Attempts(ctx, actor, f)
		}
		if err == nil {
			qns, err = svc.Questionnaires(ctx, actor)
		}
		return func() {
			r.s.loading--
			if seq != r.seq {
				return
			}
			if err != nil {
				setLabel(r.status, ErrorMessage(err), widget.DangerImportance)
				return
			}
			for _, a := range sums {
				r.names[a.CandidateID] = a.CandidateName
			}
			r.all = res
			r.fillFilter(qns)
			r.apply()
		}
	})
}

// fillFilter lists the questionnaires, keeping the choice.
func (r *qcmResults) fillFilter(qns []exam.Questionnaire) {
	cur := int64(0)
	if i := r.filter.SelectedIndex(); i > 0 && i < len(r.filterIDs) {
		cur = r.filterIDs[i]
	}
	r.filterIDs = []int64{0}
	opts := []string{lang.L("qcm.results.all")}
	for _, q := range qns {
		r.filterIDs = append(r.filterIDs, q.ID)
		opts = append(opts, q.Title)
	}
	r.syncing = true
	r.filter.Options = opts
	r.filter.SetSelectedIndex(max(slices.Index(r.filterIDs, cur), 0))
	r.syncing = false
}

// apply filters the results and shows them.
func (r *qcmResults) apply() {
	if r.syncing {
		return
	}
	id := int64(0)
	if i := r.filter.SelectedIndex(); i > 0 && i < len(r.filterIDs) {
		id = r.filterIDs[i]
	}
	r.shown = r.shown[:0]
	for i := len(r.all) - 1; i >= 0; i-- {
		if id == 0 || r.all[i].QuestionnaireID == id {
			r.shown = append(r.shown, r.all[i])
		}
	}
	setEnabled(len(r.shown) > 0, r.exportBtn)
	r.syncing = true
	r.list.UnselectAll()
	r.list.Refresh()
	for i, res := range r.shown {
		if res.AttemptID == r.selectID {
			r.list.Select(i)
			r.list.ScrollTo(i)
		}
	}
	r.syncing = false
	r.showAttempt()
	r.showCohort()
}

// result is the chosen attempt's result, nil if none.
func (r *qcmResults) result() *exam.AttemptResult {
	for i := range r.shown {
		if r.shown[i].AttemptID == r.selectID {
			return &r.shown[i]
		}
	}
	return nil
}

// showAttempt draws the chosen attempt's charts.
func (r *qcmResults) showAttempt() {
	res := r.result()
	if res == nil {
		r.detail.Hide()
		r.empty.SetText(lang.L("qcm.results.none"))
		if len(r.shown) > 0 {
			r.empty.SetText(lang.L("qcm.results.choose"))
		}
		r.empty.Show()
		return
	}
	r.empty.Hide()
	r.detail.Show()
	r.title.SetText(lang.L("qcm.results.title", map[string]any{"Name": r.names[res.CandidateID], "Title": res.Title}))
	r.score.SetText(lang.L("qcm.results.total_score", map[string]any{"Score": scoreText(res.Total), "At": dateTimeText(res.Ended)}))
	one := []barSeries{{Color: theme.ColorNamePrimary}}
	var items []barItem
	for _, b := range res.Blocks {
		items = append(items, barItem{Label: r.blockName(b.Block), Values: []barValue{scoreValue(b.Score, "")}})
	}
	setBarChart(r.byBlock, one, items)
	items = items[:0]
	for _, c := range res.Competences {
		items = append(items, barItem{Label: r.competenceName(c.Competence), Values: []barValue{scoreValue(c.Score, "")}})
	}
	setBarChart(r.byComp, one, items)
	r.showProgress(res.CandidateID)
}

// showProgress draws the candidate's entry and exit side by side, per CCP
// and in total.
func (r *qcmResults) showProgress(candidateID int64) {
	var mine []exam.AttemptResult
	for _, x := range r.all {
		if x.CandidateID == candidateID {
			mine = append(mine, x)
		}
	}
	ps := exam.CompareEntryExit(mine)
	if len(ps) == 0 {
		r.progressOf.SetText(lang.L("qcm.results.progress.none"))
		setBarChart(r.progress, nil, nil)
		return
	}
	p := ps[0]
	entry, exit := lang.L("qcm.results.entry"), lang.L("qcm.results.exit")
	series := []barSeries{{Name: entry, Color: theme.ColorNameWarning}, {Name: exit, Color: theme.ColorNamePrimary}}
	switch {
	case p.Entry == nil:
		r.progressOf.SetText(lang.L("qcm.results.progress.no_entry"))
	case p.Exit == nil:
		r.progressOf.SetText(lang.L("qcm.results.progress.no_exit"))
	default:
		d, _ := p.Delta("")
		r.progressOf.SetText(lang.L("qcm.results.progress.delta", map[string]any{"Delta": signedPoints(d)}))
	}
	codes := []string{""}
	if ref := r.s.deps.Referentiel; ref != nil {
		for _, b := range ref.Blocks {
			codes = append(codes, b.Short)
		}
	}
	var items []barItem
	for _, code := range codes {
		label := lang.L("qcm.results.total")
		if code != "" {
			label = r.blockName(code)
		}
		item := barItem{Label: label}
		for k, x := range []*exam.AttemptResult{p.Entry, p.Exit} {
			name := series[k].Name
			if x == nil || x.Block(code).Total == 0 {
				item.Values = append(item.Values, barValue{Percent: -1, Text: lang.L("qcm.results.bar.none", map[string]any{"Series": name})})
				continue
			}
			item.Values = append(item.Values, scoreValue(x.Block(code), name))
		}
		items = append(items, item)
	}
	setBarChart(r.progress, series, items)
}

// signedPoints is "+12 points" or "-3 points".
func signedPoints(d float64) string {
	n := int(math.Round(d))
	sign := ""
	if n > 0 {
		sign = "+"
	}
	return lang.L("qcm.results.points", map[string]any{"N": sign + fmt.Sprint(n)})
}

// scoreValue is a bar for a score; series names it in the text.
func scoreValue(s exam.Score, series string) barValue {
	text := scoreText(s)
	if series != "" {
		text = lang.L("qcm.results.bar.series", map[string]any{"Series": series, "Score": text})
	}
	return barValue{Percent: s.Percent(), Text: text}
}

// showCohort draws the distribution of the results shown.
func (r *qcmResults) showCohort() {
	if r.syncing {
		return
	}
	code := ""
	if i := r.block.SelectedIndex(); i > 0 && i < len(r.blocks) {
		code = r.blocks[i]
	}
	buckets := exam.Distribution(r.shown, code, 10)
	n := 0
	for _, b := range buckets {
		n += b.Count
	}
	r.cohort.SetText(plural(n, "qcm.results.cohort.count.one", "qcm.results.cohort.count.other", nil))
	r.histogram.Set(buckets)
}

func (r *qcmResults) blockName(code string) string {
	if ref := r.s.deps.Referentiel; ref != nil {
		if b := ref.Block(code); b != nil {
			return lang.L("qcm.results.block", map[string]any{"Block": b.Short, "Title": b.Title})
		}
	}
	return code
}

func (r *qcmResults) competenceName(n int) string {
	if ref := r.s.deps.Referentiel; ref != nil {
		if b := ref.CompetenceBlock(n); b != nil {
			for _, c := range b.Competences {
				if c.Number == n {
					return lang.L("qcm.results.competence", map[string]any{"N": n, "Title": c.Title})
				}
			}
		}
	}
	return fmt.Sprint(n)
}

// onExport saves the results shown as .xlsx.
func (r *qcmResults) onExport() {
	if write := r.exportWriter(); write != nil {
		r.s.saveFile(lang.L("qcm.results.filename"), write, r.status)
	}
}

// exportWriter writes the results shown (a copy, taken now), oldest first;
// nil when there is nothing to export.
func (r *qcmResults) exportWriter() func(io.Writer) error {
	export := r.s.deps.ExportResults
	if export == nil || len(r.shown) == 0 {
		return nil
	}
	results := slices.Clone(r.shown)
	slices.Reverse(results) // oldest first, as stored
	names := make(map[int64]string, len(r.names))
	for k, v := range r.names {
		names[k] = v
	}
	return func(w io.Writer) error { return export(w, results, names) }
}

// barSeries is one series of a bar chart: its name (in the legend) and
// its theme colour.
type barSeries struct {
	Name  string
	Color fyne.ThemeColorName
}

// barItem is one line of a bar chart: its label and one value per series.
type barItem struct {
	Label  string
	Values []barValue
}

// barValue is a bar: a percentage (negative: no value) and its text.
type barValue struct {
	Percent float64
	Text    string
}

// setBarChart fills box with a horizontal bar chart: a legend when there
// are several series, then for each item its label (wrapped, never cut)
// and its bars.
func setBarChart(box *fyne.Container, series []barSeries, items []barItem) {
	var objs []fyne.CanvasObject
	if len(series) > 1 {
		legend := container.NewHBox()
		for _, s := range series {
			legend.Add(newSwatch(s.Color))
			legend.Add(widget.NewLabel(s.Name))
		}
		objs = append(objs, legend)
	}
	// One width for the values' texts of the whole chart, so that the
	// tracks line up.
	var textW float32
	for _, it := range items {
		for _, v := range it.Values {
			textW = max(textW, fyne.MeasureText(v.Text, theme.TextSize(), fyne.TextStyle{}).Width)
		}
	}
	for _, it := range items {
		b := newBars(series, it.Values)
		b.textW = textW
		objs = append(objs, container.New(layout.NewCustomPaddedVBoxLayout(0), newWrapLabel(it.Label), b))
	}
	box.Objects = objs
	box.Refresh()
}

// swatch is a small square of a theme colour, for legends.
type swatch struct {
	widget.BaseWidget
	color fyne.ThemeColorName
}

func newSwatch(c fyne.ThemeColorName) *swatch {
	s := &swatch{color: c}
	s.ExtendBaseWidget(s)
	return s
}

func (s *swatch) CreateRenderer() fyne.WidgetRenderer {
	rect := canvas.NewRectangle(color.Transparent)
	return &swatchRenderer{s: s, rect: rect}
}

type swatchRenderer struct {
	s    *swatch
	rect *canvas.Rectangle
}

func (r *swatchRenderer) Layout(size fyne.Size) {
	side := min(size.Height, theme.SizeForWidget(theme.SizeNameText, r.s))
	r.rect.Move(fyne.NewPos(0, (size.Height-side)/2))
	r.rect.Resize(fyne.NewSquareSize(side))
}

func (r *swatchRenderer) MinSize() fyne.Size {
	return fyne.NewSquareSize(theme.SizeForWidget(theme.SizeNameText, r.s))
}

func (r *swatchRenderer) Refresh() {
	r.rect.FillColor = theme.ColorForWidget(r.s.color, r.s)
	r.rect.Refresh()
}

func (r *swatchRenderer) Objects() []fyne.CanvasObject { return []fyne.CanvasObject{r.rect} }
func (r *swatchRenderer) Destroy()                     {}

// bars draws the bars of one item, one line per series: a track of the
// full width, the bar over it, the value's text after it.
type bars struct {
	widget.BaseWidget
	series []barSeries
	values []barValue
	textW  float32 // the room of the texts, shared by the chart's bars
}

func newBars(series []barSeries, values []barValue) *bars {
	b := &bars{series: series, values: values}
	b.ExtendBaseWidget(b)
	return b
}

// Values are the bars drawn, for tests.
func (b *bars) Values() []barValue { return b.values }

func (b *bars) CreateRenderer() fyne.WidgetRenderer {
	r := &barsRenderer{b: b}
	for range b.values {
		r.tracks = append(r.tracks, canvas.NewRectangle(color.Transparent))
		r.fills = append(r.fills, canvas.NewRectangle(color.Transparent))
		t := canvas.NewText("", color.Transparent)
		r.texts = append(r.texts, t)
	}
	for i := range b.values {
		r.objs = append(r.objs, r.tracks[i], r.fills[i], r.texts[i])
	}
	r.Refresh()
	return r
}

type barsRenderer struct {
	b      *bars
	tracks []*canvas.Rectangle
	fills  []*canvas.Rectangle
	texts  []*canvas.Text
	objs   []fyne.CanvasObject
}

// textWidth is the room of the values' texts: the widest.
func (r *barsRenderer) textWidth() float32 {
	w := r.b.textW
	for _, t := range r.texts {
		w = max(w, t.MinSize().Width)
	}
	return w
}

func (r *barsRenderer) lineHeight() float32 {
	th := r.b.Theme()
	return fyne.MeasureText("M", th.Size(theme.SizeNameText), fyne.TextStyle{}).Height + th.Size(theme.SizeNameInnerPadding)
}

func (r *barsRenderer) Layout(size fyne.Size) {
	th := r.b.Theme()
	pad := th.Size(theme.SizeNamePadding)
	tw := r.textWidth()
	track := max(size.Width-tw-pad, 0)
	lh := r.lineHeight()
	for i, v := range r.b.values {
		y := float32(i) * (lh + pad/2)
		r.tracks[i].Move(fyne.NewPos(0, y+pad/4))
		r.tracks[i].Resize(fyne.NewSize(track, lh-pad/2))
		w := float32(0)
		if v.Percent > 0 {
			w = track * float32(min(v.Percent, 100)) / 100
		}
		r.fills[i].Move(fyne.NewPos(0, y+pad/4))
		r.fills[i].Resize(fyne.NewSize(w, lh-pad/2))
		ts := r.texts[i].MinSize()
		r.texts[i].Move(fyne.NewPos(track+pad, y+(lh-ts.Height)/2))
		r.texts[i].Resize(fyne.NewSize(tw, ts.Height))
	}
}

func (r *barsRenderer) MinSize() fyne.Size {
	th := r.b.Theme()
	pad := th.Size(theme.SizeNamePadding)
	n := float32(len(r.b.values))
	return fyne.NewSize(r.textWidth()+pad+120, n*r.lineHeight()+max(n-1, 0)*pad/2)
}

func (r *barsRenderer) Refresh() {
	th := r.b.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	for i, val := range r.b.values {
		name := theme.ColorNamePrimary
		if i < len(r.b.series) && r.b.series[i].Color != "" {
			name = r.b.series[i].Color
		}
		r.tracks[i].FillColor = th.Color(theme.ColorNameInputBackground, v)
		r.tracks[i].StrokeColor = th.Color(theme.ColorNameInputBorder, v)
		r.tracks[i].StrokeWidth = 1
		r.fills[i].FillColor = th.Color(name, v)
		r.texts[i].Text = val.Text
		r.texts[i].TextSize = th.Size(theme.SizeNameText)
		r.texts[i].Color = th.Color(theme.ColorNameForeground, v)
	}
	for _, o := range r.objs {
		o.Refresh()
	}
	r.Layout(r.b.Size())
}

func (r *barsRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *barsRenderer) Destroy()                     {}

// histogram is the distribution of a cohort's scores: one vertical bar
// per bucket (0–10 %, 10–20 %… 90–100 %), its count above it, its range
// below.
type histogram struct {
	widget.BaseWidget
	buckets []exam.Bucket
}

func newHistogram() *histogram {
	h := &histogram{}
	h.ExtendBaseWidget(h)
	return h
}

// Set shows buckets.
func (h *histogram) Set(b []exam.Bucket) {
	h.buckets = slices.Clone(b)
	h.Refresh()
}

// Buckets are the buckets drawn, for tests.
func (h *histogram) Buckets() []exam.Bucket { return h.buckets }

func (h *histogram) CreateRenderer() fyne.WidgetRenderer {
	r := &histogramRenderer{h: h, axis: canvas.NewRectangle(color.Transparent)}
	r.Refresh()
	return r
}

type histogramRenderer struct {
	h      *histogram
	axis   *canvas.Rectangle
	bars   []*canvas.Rectangle
	counts []*canvas.Text
	labels []*canvas.Text
	objs   []fyne.CanvasObject
}

// bucketLabel is "0–10", the last "90–100".
func bucketLabel(b exam.Bucket) string { return fmt.Sprintf("%d–%d", b.From, b.To) }

func (r *histogramRenderer) sync() {
	n := len(r.h.buckets)
	for len(r.bars) < n {
		r.bars = append(r.bars, canvas.NewRectangle(color.Transparent))
		r.counts = append(r.counts, canvas.NewText("", color.Transparent))
		r.labels = append(r.labels, canvas.NewText("", color.Transparent))
	}
	r.bars, r.counts, r.labels = r.bars[:n], r.counts[:n], r.labels[:n]
	r.objs = []fyne.CanvasObject{r.axis}
	for i := range n {
		r.objs = append(r.objs, r.bars[i], r.counts[i], r.labels[i])
	}
}

// column is the width of a bucket's column: its widest text and a gap.
func (r *histogramRenderer) column() float32 {
	pad := r.h.Theme().Size(theme.SizeNamePadding)
	var w float32
	for i := range r.labels {
		w = max(w, r.labels[i].MinSize().Width, r.counts[i].MinSize().Width)
	}
	return w + 2*pad
}

func (r *histogramRenderer) Layout(size fyne.Size) {
	n := len(r.h.buckets)
	if n == 0 {
		return
	}
	th := r.h.Theme()
	pad := th.Size(theme.SizeNamePadding)
	textH := fyne.MeasureText("0", th.Size(theme.SizeNameText), fyne.TextStyle{}).Height
	col := max(r.column(), size.Width/float32(n))
	top := textH + pad
	base := size.Height - textH - pad
	area := max(base-top, 1)
	most := 0
	for _, b := range r.h.buckets {
		most = max(most, b.Count)
	}
	r.axis.Move(fyne.NewPos(0, base))
	r.axis.Resize(fyne.NewSize(col*float32(n), 1))
	for i, b := range r.h.buckets {
		x := float32(i) * col
		h := float32(0)
		if most > 0 {
			h = area * float32(b.Count) / float32(most)
		}
		r.bars[i].Move(fyne.NewPos(x+pad, base-h))
		r.bars[i].Resize(fyne.NewSize(col-2*pad, h))
		cs := r.counts[i].MinSize()
		r.counts[i].Move(fyne.NewPos(x+(col-cs.Width)/2, base-h-cs.Height))
		r.counts[i].Resize(cs)
		ls := r.labels[i].MinSize()
		r.labels[i].Move(fyne.NewPos(x+(col-ls.Width)/2, base+pad/2))
		r.labels[i].Resize(ls)
	}
}

func (r *histogramRenderer) MinSize() fyne.Size {
	th := r.h.Theme()
	textH := fyne.MeasureText("0", th.Size(theme.SizeNameText), fyne.TextStyle{}).Height
	return fyne.NewSize(r.column()*float32(len(r.h.buckets)), 8*textH)
}

func (r *histogramRenderer) Refresh() {
	r.sync()
	th := r.h.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	size := th.Size(theme.SizeNameText)
	r.axis.FillColor = th.Color(theme.ColorNameForeground, v)
	for i, b := range r.h.buckets {
		r.bars[i].FillColor = th.Color(theme.ColorNamePrimary, v)
		r.counts[i].Text = fmt.Sprint(b.Count)
		r.counts[i].TextSize = size
		r.counts[i].TextStyle = fyne.TextStyle{Bold: true}
		r.counts[i].Color = th.Color(theme.ColorNameForeground, v)
		r.labels[i].Text = bucketLabel(b)
		r.labels[i].TextSize = th.Size(theme.SizeNameCaptionText)
		r.labels[i].Color = th.Color(theme.ColorNameForeground, v)
		if b.Count == 0 {
			r.counts[i].Color = th.Color(theme.ColorNameDisabled, v)
		}
	}
	for _, o := range r.objs {
		o.Refresh()
	}
	r.Layout(r.h.Size())
}

func (r *histogramRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *histogramRenderer) Destroy()                     {}
