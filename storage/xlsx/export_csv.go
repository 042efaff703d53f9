package xlsx

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
)

// WriteExportCSV exports the sessions of sel from src to w as CSV
// (ExportCSVEncoder): the Résultats sheet only. Nothing is written to w when
// src refuses the selection.
func WriteExportCSV(ctx context.Context, w io.Writer, src Exporter, a exam.Actor, sel storage.ExportSelection, progress func(done, total int)) error {
	enc := NewExportCSVEncoder(w)
	enc.Progress = progress
	if err := src.Export(ctx, a, sel, enc); err != nil {
		return err
	}
	return enc.Close()
}

// ExportCSVEncoder writes the Résultats sheet of the certifier export as
// CSV (RFC 4180 with ";"), the columns of the workbook's sheet in the same
// order: UTF-8 with a byte order mark (so that Excel reads the accents),
// fields separated by ";" and quoted when they hold a ";", a quote or a line
// break, lines ended by CRLF, dates as jj/mm/aaaa. Values are written as
// they are: a CSV has no formulas to protect from, so nothing is prefixed. A draft's first line is ProvisionalBanner,
// before the header, so that no program takes it for the real file. It is
// a storage.ExportSink; Close flushes it.
//
// The other sheets (Compétences, Jury, Synthèse) exist in the workbook only:
// the CSV is the one table the certifier's systems take in.
type ExportCSVEncoder struct {
	// Progress, if set before Begin, is told how many candidates are
	// written, out of how many.
	Progress func(done, total int)

	w    *bufio.Writer
	head *storage.ExportHead
	rec  []string
	done int
}

// NewExportCSVEncoder returns an encoder writing to w.
func NewExportCSVEncoder(w io.Writer) *ExportCSVEncoder {
	return &ExportCSVEncoder{w: bufio.NewWriterSize(w, 64<<10)}
}

// Begin writes the byte order mark, the draft banner if any and the header.
func (e *ExportCSVEncoder) Begin(h *storage.ExportHead) error {
	if e.head != nil {
		return errors.New("export: Begin called twice")
	}
	e.head = h
	if _, err := e.w.WriteString("\uFEFF"); err != nil {
		return fmt.Errorf("export CSV: %w", err)
	}
	if h.Provisional {
		if err := e.write([]string{ProvisionalBanner}); err != nil {
			return fmt.Errorf("export CSV: %w", err)
		}
	}
	if err := e.write(resultHeaders(h.Referentiel)); err != nil {
		return fmt.Errorf("export CSV: %w", err)
	}
	e.progress()
	return nil
}

// Row writes a candidate's line.
func (e *ExportCSVEncoder) Row(r *storage.ExportRow) error {
	if e.head == nil {
		return errors.New("export: Row before Begin")
	}
	e.rec = resultRow(r, e.rec[:0], csvText, csvText, csvDate)
	if err := e.write(e.rec); err != nil {
		return fmt.Errorf("export CSV: %w", err)
	}
	e.done++
	if e.done%500 == 0 {
		e.progress()
	}
	return nil
}

// Close flushes what is buffered.
func (e *ExportCSVEncoder) Close() error {
	if e.head == nil {
		return errors.New("export: nothing to write (Begin was not called)")
	}
	if err := e.w.Flush(); err != nil {
		return fmt.Errorf("export CSV: %w", err)
	}
	e.progress()
	return nil
}

func (e *ExportCSVEncoder) progress() {
	if e.Progress != nil {
		e.Progress(e.done, e.head.Candidates)
	}
}

// write writes one line: fields separated by ";", quoted (quotes doubled)
// when they hold a ";", a quote, a line feed or a carriage return, or start
// or end with a space; CRLF at the end. Unlike encoding/csv in CRLF mode,
// it keeps a carriage return inside a field.
func (e *ExportCSVEncoder) write(fields []string) error {
	for i, f := range fields {
		if i > 0 {
			e.w.WriteByte(';')
		}
		if f == "" || !strings.ContainsAny(f, ";\"\r\n") && f[0] != ' ' && f[len(f)-1] != ' ' {
			e.w.WriteString(f)
			continue
		}
		e.w.WriteByte('"')
		e.w.WriteString(strings.ReplaceAll(f, `"`, `""`))
		e.w.WriteByte('"')
	}
	_, err := e.w.WriteString("\r\n")
	return err
}

// WantsCompetences tells the export service that the CSV writes no
// competences: it then does not read the grids.
func (e *ExportCSVEncoder) WantsCompetences() bool { return false }

func csvText(s string) string { return s }

// csvDate writes a date jj/mm/aaaa, as exam.Date.String does without fmt;
// "" when unset.
func csvDate(d exam.Date) string {
	if d.IsZero() || d.Year < 0 || d.Year > 9999 {
		return d.String()
	}
	b := [10]byte{'0' + byte(d.Day/10), '0' + byte(d.Day%10), '/', '0' + byte(d.Month/10), '0' + byte(d.Month%10), '/',
		'0' + byte(d.Year/1000), '0' + byte(d.Year/100%10), '0' + byte(d.Year/10%10), '0' + byte(d.Year%10)}
	return string(b[:])
}
