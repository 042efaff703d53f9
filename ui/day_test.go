package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/amisjury/amis/exam"
)

func TestDay_ScheduleAbsenceAndIncident(t *testing.T) {
	sf := newSessionFixture(t)
	a := sf.create(candidate("Dupont", "Marie", "01/02/1990"))
	b := sf.create(candidate("Martin", "Paul", "23/11/1979"))
	s := sf.session(exam.KindCertification, []*exam.Candidate{a, b}, nil, false)
	s.Candidates[0].Allowance = exam.TimeAllowance{ExtraPercent: 33}
	s.DayEnd = exam.NewTimeOfDay(15, 0) // Martin's last épreuves end late
	if err := sf.sessions.UpdateSession(sf.ctx, admin, s); err != nil {
		t.Fatal(err)
	}
	if err := sf.sessions.StartSession(sf.ctx, jury, s.ID, day0); err != nil {
		t.Fatal(err)
	}
	v := sf.openSession(s.ID)
	sf.show(v, v.dayTab)
	d := v.day
	sf.waitFor("the day", func() bool { return !d.loading })
	text := allText(d.table)
	for _, want := range []string{
		"DUPONT Marie", "08:57–10:17", "Mise en situation professionnelle (MSP)\npréparation à 08:30 : 27 min (base 20 min)",
		"1 h 20 (base 1 h)", "Entretien final (EF)", "MARTIN Paul", "1 h (base 1 h)",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the day lacks %q:\n%s", want, text)
		}
	}
	late := d.rows[b.ID].warnings
	if len(late) == 0 || !strings.Contains(late[len(late)-1].Text, "après la fin de la journée (15:00)") {
		t.Errorf("late warnings: %d", len(late))
	}
	if !strings.Contains(d.summary.Text, "alerte") {
		t.Errorf("summary %q", d.summary.Text)
	}

	// An incident, at the clock's time by default.
	sf.now = day0.Add(12 * time.Minute)
	test.Tap(d.rows[a.ID].incident)
	inc := d.incident
	if inc.at.Text != "09:12" || inc.kind.Selected != "Retard" {
		t.Errorf("incident defaults: %q, %q", inc.at.Text, inc.kind.Selected)
	}
	test.Tap(inc.form.confirm)
	sf.waitFor("the refusal", func() bool { return !inc.form.busy })
	if inc.form.closed || !strings.Contains(inc.form.err.Text, "obligatoire") {
		t.Fatalf("empty text: %q", inc.form.err.Text)
	}
	test.Type(inc.text, "Arrivée à 9 h 10, épreuve décalée.")
	test.Tap(inc.form.confirm)
	sf.waitFor("the incident", func() bool { return !inc.form.busy && !d.loading && len(d.incidents) == 1 })
	got, _ := sf.delib.Incidents(sf.ctx, admin, s.ID)
	if len(got) != 1 || got[0].CandidateID != a.ID || got[0].Kind != exam.IncidentLate || !got[0].At.Equal(day0.Add(12*time.Minute)) ||
		got[0].RecordedBy != jury.Name {
		t.Fatalf("stored %+v", got)
	}
	if text := allText(d.table); !strings.Contains(text, "15/06/2026 à 09:12 — Retard : Arrivée à 9 h 10, épreuve décalée. (Nadia Jury)") {
		t.Errorf("incident not listed:\n%s", text)
	}

	// Absent: stored at once; the schedule leaves the candidate out.
	d.rows[b.ID].absent.SetChecked(true)
	sf.waitFor("the absence", func() bool { return !v.loading && v.session.Candidate(b.ID).Absent })
	sf.waitIdle()
	if got, _ := sf.sessions.Session(sf.ctx, admin, s.ID); !got.Candidate(b.ID).Absent {
		t.Fatal("absence not stored")
	}
	if !d.rows[b.ID].absent.Checked || !strings.Contains(allText(d.table), "MARTIN Paul (absent)") || len(d.rows[b.ID].warnings) != 0 {
		t.Errorf("after the absence:\n%s", allText(d.table))
	}
	if d.convocations.Disabled() {
		t.Error("Convocations disabled with Deps.Documents set")
	}
	v.selectTab(v.editorTab)
}
