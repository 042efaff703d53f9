//go:build xvfb

// Throwaway (not committed): lets /tmp/qcmx/main.go open the candidate
// mode in a real window under Xvfb.
package ui

import (
	"fyne.io/fyne/v2/container"

	"time"

	"fyne.io/fyne/v2"

	"github.com/amisjury/amis/exam"
)

// XvfbCandidate is the candidate mode, for the throwaway screenshot tool.
type XvfbCandidate struct{ C *candidateMode }

// XvfbOpen opens the candidate mode.
func XvfbOpen(a fyne.App, d QCMDeps, actor exam.Actor, att *exam.Attempt, name string) XvfbCandidate {
	a.Settings().SetTheme(newTheme())
	return XvfbCandidate{openCandidateMode(a, d, actor, newTasks(), att, name, nil)}
}

func (x XvfbCandidate) Rune(r rune)        { x.C.rowRune(nil, r) }
func (x XvfbCandidate) Next()              { x.C.onNext() }
func (x XvfbCandidate) GoTo(p int)         { x.C.goTo(p) }
func (x XvfbCandidate) Confirm()           { x.C.showConfirm() }
func (x XvfbCandidate) AskQuit()           { x.C.askQuit() }
func (x XvfbCandidate) Wrong()             { x.C.password.SetText("x"); x.C.onLeave() }
func (x XvfbCandidate) Cancel()            { x.C.cancelQuit() }
func (x XvfbCandidate) Pause()             { x.C.onPause() }
func (x XvfbCandidate) Key(k fyne.KeyName) { x.C.rowKey(nil, &fyne.KeyEvent{Name: k}) }

// XvfbScreen opens the QCM screen in a window, on the results of attempt.
func XvfbScreen(a fyne.App, d QCMDeps, actor exam.Actor, tab int, attemptID int64) fyne.Window {
	a.Settings().SetTheme(newTheme())
	w := a.NewWindow("QCM")
	s := newQCMScreen(w, d, func() exam.Actor { return actor }, newTasks())
	w.SetContent(s.content)
	w.Resize(fyne.NewSize(1280, 800))
	w.Show()
	go func() {
		time.Sleep(700 * time.Millisecond)
		fyne.Do(func() {
			if tab == 0 && len(s.qns) > 0 {
				s.qnList.Select(0)
				if len(s.cands) > 0 {
					s.candList.Select(0)
				}
				return
			}
			s.results.selectID = attemptID
			s.tabs.SelectIndex(tab)
		})
	}()
	return w
}

// XvfbScrollResults scrolls the results page to its end.
func XvfbScrollResults(w fyne.Window) {
	tabs := w.Content().(*container.AppTabs)
	split := tabs.Items[2].Content.(*container.Split)
	split.Trailing.(*container.Scroll).ScrollToBottom()
}
