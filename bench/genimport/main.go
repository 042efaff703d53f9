// Command genimport writes a candidate import file (.xlsx or .csv) of N
// generated candidates, with the headers of the import template, for the
// import benchmarks.
package main

import (
	"encoding/csv"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/amisjury/amis/assets"
	"github.com/amisjury/amis/demo"
	"github.com/amisjury/amis/exam"
)

func main() {
	n := flag.Int("n", 10000, "number of candidates")
	out := flag.String("o", "candidats.xlsx", "output file (.xlsx or .csv)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if err := run(*n, *out, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "genimport:", err)
		os.Exit(1)
	}
}

var header = []string{"N° candidat", "Nom de naissance", "Nom d'usage", "Prénoms", "Sexe", "Date de naissance",
	"Commune de naissance", "Pays de naissance", "E-mail", "Téléphone", "Modalité d'accès", "Centre de formation",
	"Date SST", "CCP1 acquis le", "CCP1 session"}

func row(c *exam.Candidate) []string {
	var acq, ref string
	if len(c.Acquired) > 0 {
		acq, ref = c.Acquired[0].Date.String(), c.Acquired[0].SessionRef
	}
	return []string{c.Number, c.BirthName, c.UsageName, c.FirstNames, string(c.Sex), c.BirthDate.String(),
		c.BirthCity, c.BirthCountry, c.Email, c.Phone, string(c.AccessRoute), c.TrainingCentre, c.SSTDate.String(), acq, ref}
}

func run(n int, out string, seed uint64) error {
	ref, err := assets.Referentiel()
	if err != nil {
		return err
	}
	cs := demo.Candidates(ref, n, seed, exam.Today())
	if strings.EqualFold(filepath.Ext(out), ".csv") {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		w := csv.NewWriter(f)
		w.Comma = ';'
		_ = w.Write(header)
		for _, c := range cs {
			_ = w.Write(row(c))
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
		return f.Close()
	}
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	toAny := func(ss []string) []any {
		r := make([]any, len(ss))
		for i, s := range ss {
			r[i] = s
		}
		return r
	}
	if err := sw.SetRow("A1", toAny(header)); err != nil {
		return err
	}
	for i, c := range cs {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, toAny(row(c))); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(out)
}
