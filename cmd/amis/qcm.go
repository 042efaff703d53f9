package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"fyne.io/fyne/v2/lang"

	"github.com/amisjury/amis/exam"
	"github.com/amisjury/amis/storage"
	"github.com/amisjury/amis/storage/xlsx"
	"github.com/amisjury/amis/ui"
)

// qcmCommand is the "qcm" command, for main's command table:
//
//	amis qcm import [--db PATH] FILE.gift|FILE.xlsx
//	amis qcm export [--db PATH] [--block CCP1] -o FILE.xlsx
//	amis qcm results [--db PATH] [--questionnaire ID] -o FILE.xlsx
var qcmCommand = command{"qcm", "import FILE.gift|FILE.xlsx | export [--block CCP] -o FILE.xlsx | results -o FILE.xlsx",
	"import questions into the QCM bank (all or nothing), export the bank, export the results", runQCM}

// qcmService returns the QCM service of the environment, applying the
// stored accommodation profiles.
func (e *env) qcmService() *storage.QCMService {
	return storage.NewQCMService(e.db, e.ref, e.accommodations)
}

// runQCM dispatches "amis qcm import" and "amis qcm export".
func runQCM(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(stderr, "Usage: amis qcm import [options] FILE.gift|FILE.xlsx\n       amis qcm export [options] [--block CCP] -o FILE.xlsx\n       amis qcm results [options] [--questionnaire ID] -o FILE.xlsx")
		return errUsage
	}
	switch args[0] {
	case "import":
		return runQCMImport(ctx, g, args[1:], stdout, stderr)
	case "export":
		return runQCMExport(ctx, g, args[1:], stdout, stderr)
	case "results":
		return runQCMResults(ctx, g, args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "amis qcm: unknown sub-command %q (import, export or results)\n", args[0])
	return errUsage
}

// runQCMImport imports a GIFT or .xlsx question file: every question or
// none; a refusal prints every problem (line, column, reason) and exits
// with status 1.
func runQCMImport(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "qcm import", "FILE.gift|FILE.xlsx",
		"import questions into the QCM bank: every question or none; a question whose code is already in the bank replaces it; prints every problem as line, column, reason (exit status 1 on refusal)", stderr)
	rest, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		fs.Usage()
		return errUsage
	}
	ui.SetupLanguage(g.lang)
	e, err := openEnv(g)
	if err != nil {
		return err
	}
	defer e.Close()
	start := time.Now()
	rep, err := xlsx.ImportQuestionFile(ctx, exam.System, e.qcmService(), e.ref, rest[0])
	if err != nil {
		return err
	}
	data := importData(rep, time.Since(start), e.db.Path())
	return printImportReport(stdout, rep,
		lang.X("cli.qcm.import_ok", "{{.File}}: {{.N}} questions imported into {{.Path}} ({{.Elapsed}}).", data),
		lang.X("cli.qcm.import_refused", "{{.File}}: import refused, no question was imported ({{.N}} problems):", data))
}

// runQCMExport writes the bank (or one block of it) to an .xlsx workbook
// that "amis qcm import" reads back.
func runQCMExport(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "qcm export", "[--block CCP] -o FILE.xlsx",
		"export the QCM bank to an .xlsx workbook (the import template's columns; images included)", stderr)
	out := fs.String("o", "", "the .xlsx file to write (replaced if it exists)")
	block := fs.String("block", "", "export only this block (CCP1, CCP2…)")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 || *out == "" {
		fs.Usage()
		return errUsage
	}
	if !strings.EqualFold(filepath.Ext(*out), ".xlsx") {
		fmt.Fprintf(stderr, "amis qcm export: %s: the file name must end with .xlsx\n", *out)
		return errUsage
	}
	ui.SetupLanguage(g.lang)
	e, err := openEnvReading(g, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	qs, err := e.qcmService().Questions(ctx, exam.System, exam.QuestionFilter{Block: *block})
	if err != nil {
		return err
	}
	if err := writeAtomically(*out, func(w io.Writer) error { return xlsx.WriteQuestions(w, qs) }); err != nil {
		return err
	}
	fmt.Fprintln(stdout, lang.X("cli.qcm.export_done", "{{.File}}: {{.N}} questions exported.", map[string]any{"File": *out, "N": len(qs)}))
	return nil
}

// runQCMResults writes the results of the QCM attempts (all, or those of
// one questionnaire) to an .xlsx workbook: scores per CCP and competence,
// entry vs exit per candidate, the cohort's distribution.
func runQCMResults(ctx context.Context, g *globals, args []string, stdout, stderr io.Writer) error {
	fs := subFlags(g, "qcm results", "[--questionnaire ID] -o FILE.xlsx",
		"export the QCM results: per attempt (CCP, competences), entry vs exit per candidate, distribution", stderr)
	out := fs.String("o", "", "the .xlsx file to write (replaced if it exists)")
	qn := fs.Int64("questionnaire", 0, "only the attempts of this questionnaire")
	if rest, err := parseInterspersed(fs, args); err != nil {
		return err
	} else if len(rest) > 0 || *out == "" {
		fs.Usage()
		return errUsage
	}
	if !strings.EqualFold(filepath.Ext(*out), ".xlsx") {
		fmt.Fprintf(stderr, "amis qcm results: %s: the file name must end with .xlsx\n", *out)
		return errUsage
	}
	ui.SetupLanguage(g.lang)
	e, err := openEnvReading(g, stderr)
	if err != nil {
		return err
	}
	defer e.Close()
	svc := e.qcmService()
	f := exam.AttemptFilter{QuestionnaireID: *qn}
	results, err := svc.Results(ctx, exam.System, f)
	if err != nil {
		return err
	}
	sums, err := svc.Attempts(ctx, exam.System, f)
	if err != nil {
		return err
	}
	names := map[int64]string{}
	for _, s := range sums {
		names[s.CandidateID] = s.CandidateName
	}
	if err := writeAtomically(*out, func(w io.Writer) error { return xlsx.WriteQCMResults(w, results, names, e.ref) }); err != nil {
		return err
	}
	fmt.Fprintln(stdout, lang.X("cli.qcm.results_done", "{{.File}}: results of {{.N}} attempts exported.", map[string]any{"File": *out, "N": len(results)}))
	return nil
}
