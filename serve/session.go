package serve

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/ssh"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"fisherscope/sim"
	"fisherscope/tui"
)

// Why a session ended: logged, and told to the client where it can still
// read.
const (
	endQuit     = "quit"
	endIdle     = "idle"
	endClient   = "client closed the session"
	endShutdown = "server shutting down"
	endMaxTime  = "session time limit reached"
	endPanic    = "internal error"
	endError    = "program error: "
)

// Messages of refused sessions.
const (
	msgNoPty   = "fisherscope serve needs an interactive terminal: use ssh -t"
	msgExec    = "fisherscope serve runs no commands: use ssh -t HOST with no command"
	msgKeyPty  = "fisherscope serve needs an interactive terminal, and this key is marked no-pty (or restrict) in authorized_keys"
	msgKeyGone = "fisherscope: this key is no longer allowed"
)

// session is one SSH session being served.
type session struct {
	sess      ssh.Session
	start     time.Time
	ctx       context.Context // ends with the session; the engine runs under it
	cancel    context.CancelFunc
	lastInput atomic.Int64 // unix nanoseconds of the last byte typed

	mu       sync.Mutex
	reason   string       // why it ended (first reason wins)
	prog     *tea.Program // nil until the program exists
	force    *time.Timer  // closes the channel if the program does not quit in time
	finished bool         // the program has returned
}

// newSession returns the session state of sess, whose context ends with
// parent (the connection's context).
func newSession(sess ssh.Session, parent context.Context) *session {
	ctx, cancel := context.WithCancel(parent)
	ss := &session{sess: sess, start: time.Now(), ctx: ctx, cancel: cancel}
	ss.lastInput.Store(ss.start.UnixNano())
	return ss
}

// handle serves one SSH session: it logs it, recovers from its panics,
// admits it against the session limit, refuses what the explorer cannot
// serve, then runs the explorer.
func (s *Server) handle(sess ssh.Session) {
	ss := newSession(sess, sess.Context())
	defer ss.cancel()
	s.logStart(ss)
	defer s.logEnd(ss)
	s.recoverPanics(ss, s.serveSession)
}

// recoverPanics runs f, logging a panic with its stack instead of letting it
// take the server down.
func (s *Server) recoverPanics(ss *session, f func(*session)) {
	defer func() {
		if r := recover(); r != nil {
			ss.setReason(endPanic)
			s.log.Error("session panic", "user", ss.sess.User(), "remote", ss.sess.RemoteAddr().String(),
				"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			ss.refuse("fisherscope: internal error; the session ends")
		}
	}()
	f(ss)
}

// serveSession admits ss (counting it even if it is refused below), checks
// it can be served, and runs the explorer.
func (s *Server) serveSession(ss *session) {
	if why := s.admit(ss); why != "" {
		ss.setReason("refused: " + why)
		s.log.Warn("session refused: "+why, "user", ss.sess.User(), "remote", ss.sess.RemoteAddr().String(), "max", s.cfg.MaxSessions)
		if why == refusedFull {
			ss.refuse(fmt.Sprintf("fisherscope: the server is full (%d sessions); try again later", s.cfg.MaxSessions))
		} else {
			ss.refuse("fisherscope: the server is shutting down")
		}
		return
	}
	defer s.release(ss)
	if why, msg := s.refusal(ss.sess); msg != "" {
		ss.setReason("refused: " + why)
		ss.refuse(msg)
		return
	}
	s.runProgram(ss)
}

// refusal says why sess cannot be served, and what to tell the client.
func (s *Server) refusal(sess ssh.Session) (why, msg string) {
	if _, _, ok := sess.Pty(); !ok {
		return "no terminal", msgNoPty
	}
	if sess.RawCommand() != "" || sess.Subsystem() != "" {
		return "command requested", msgExec
	}
	k, err := findKey(s.keys, sess.PublicKey(), sess.RemoteAddr(), time.Now())
	if err != nil {
		return err.Error(), msgKeyGone
	}
	if k.noPty {
		return fmt.Sprintf("no-pty key (authorized_keys line %d)", k.line), msgKeyPty
	}
	return "", ""
}

// refuse tells the client msg on stderr and ends the session with status 1.
func (ss *session) refuse(msg string) {
	fmt.Fprintf(ss.sess.Stderr(), "%s\r\n", msg)
	ss.sess.Exit(1)
}

// runProgram runs the explorer until it quits or the session ends, then
// tells the client why it ended.
func (s *Server) runProgram(ss *session) {
	pty, winch, _ := ss.sess.Pty()
	eng := sim.NewEngineWith(s.acc)
	defer eng.Stop()
	opt := s.sessionOptions(ss.sess)
	opt.Renderer = newRenderer(ss.sess, pty)
	eng.SetLimits(opt.Limits)
	eng.SetCacheDir(filepath.Join(s.cfg.StateDir, "nets")) // shared by every session: a network trains once
	m := tui.New(ss.ctx, s.wrapSource(eng), s.cfg.Params, opt)
	p := tea.NewProgram(m, tea.WithInput(inputClock{ss.sess, &ss.lastInput}), tea.WithOutput(ss.sess),
		tea.WithAltScreen(), tea.WithMouseCellMotion(), tea.WithFilter(dropSuspend), tea.WithoutSignalHandler())
	if !ss.setProgram(p) {
		return // ended (shutdown) before the program started
	}
	if s.cfg.MaxTime > 0 {
		limit := time.AfterFunc(s.cfg.MaxTime, func() { ss.end(endMaxTime) })
		defer limit.Stop()
	}
	go ss.watch(winch)
	_, err := p.Run()
	ss.quitDone()
	ss.cancel()
	own := ss.ownReason(err, s.cfg.Idle)
	if m.IdleClosed() {
		own = endIdle // the explorer says so: no clock to compare
	}
	if msg := farewell(ss.setReason(own), s.cfg.Idle); msg != "" {
		ss.refuse(msg)
	}
}

// farewell is what the client is told when its session ends for reason
// ("" when the user quit).
func farewell(reason string, idle time.Duration) string {
	switch reason {
	case endShutdown, endMaxTime:
		return "fisherscope: " + reason
	case endIdle:
		return fmt.Sprintf("fisherscope: session closed after %v without input", 2*idle)
	}
	return ""
}

// wrapSource returns the engine as the program's source (tests wrap it).
func (s *Server) wrapSource(eng *sim.Engine) tui.Source {
	if s.sourceHook != nil {
		return s.sourceHook(eng)
	}
	return eng
}

// setProgram records p unless the session has already ended.
func (ss *session) setProgram(p *tea.Program) bool {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.reason != "" {
		return false
	}
	ss.prog = p
	return true
}

// watch forwards window sizes (clamped) to the program, and ends the session
// when the client closes its channel or the connection drops.
func (ss *session) watch(winch <-chan ssh.Window) {
	for {
		select {
		case w, ok := <-winch:
			if !ok {
				ss.end(endClient)
				return
			}
			ss.prog.Send(clampWindow(w)) // returns once the program has ended
		case <-ss.ctx.Done(): // the connection dropped, or end was called
			ss.end(endClient)
			return
		}
	}
}

// clampWindow bounds a client's window size to [1, MaxWidth] × [1, MaxHeight].
func clampWindow(w ssh.Window) tea.WindowSizeMsg {
	return tea.WindowSizeMsg{Width: min(max(w.Width, 1), MaxWidth), Height: min(max(w.Height, 1), MaxHeight)}
}

// setReason records why the session ended, unless a reason is already
// recorded, and returns the recorded one.
func (ss *session) setReason(r string) string {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.reason == "" {
		ss.reason = r
	}
	return ss.reason
}

// end asks the session to end for reason: its engine stops at once and its
// program quits, restoring the client's terminal; if the program has not
// quit after quitGrace (a client that does not read), the channel is closed.
func (ss *session) end(reason string) {
	ss.cancel()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if ss.reason == "" {
		ss.reason = reason
	}
	p := ss.prog
	if p == nil || ss.force != nil || ss.finished {
		return
	}
	ss.force = time.AfterFunc(quitGrace, func() {
		// The program did not quit in time: try to restore the client's
		// terminal (mouse, cursor, alternate screen) and say why ourselves,
		// but never wait long on a client that does not read.
		said := make(chan struct{})
		go func() {
			defer close(said)
			defer func() { _ = recover() }() // a session that cannot be written to
			fmt.Fprint(ss.sess, "\x1b[?1002l\x1b[?1006l\x1b[?25h\x1b[?1049l")
			if msg := farewell(reason, 0); msg != "" {
				fmt.Fprintf(ss.sess.Stderr(), "%s\r\n", msg)
			}
		}()
		select {
		case <-said:
		case <-time.After(400 * time.Millisecond): // 1.5 s + 0.4 s: within the 2 s promised
		}
		ss.sess.Close()
		p.Kill()
	})
	go p.Quit() // Quit waits for the event loop, which a blocked client can stall
}

// quitDone records that the program has returned and stops any forced close.
func (ss *session) quitDone() {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	ss.finished = true
	if ss.force != nil {
		ss.force.Stop()
	}
}

// ownReason is why the program ended by itself: an error, the idle limit, or
// the user quitting.
func (ss *session) ownReason(err error, idle time.Duration) string {
	switch {
	case err != nil:
		return endError + err.Error()
	case idle > 0 && time.Since(time.Unix(0, ss.lastInput.Load())) >= 2*idle*9/10:
		return endIdle
	}
	return endQuit
}

// inputClock passes input through, noting when the client last typed.
type inputClock struct {
	r    io.Reader
	last *atomic.Int64
}

func (c inputClock) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	if n > 0 {
		c.last.Store(time.Now().UnixNano())
	}
	return n, err
}

// dropSuspend ignores ctrl+z: a served session has no job control.
func dropSuspend(_ tea.Model, msg tea.Msg) tea.Msg {
	if _, ok := msg.(tea.SuspendMsg); ok {
		return nil
	}
	return msg
}

// newRenderer returns a renderer for the session whose colour profile comes
// from the client's TERM and COLORTERM, and which never queries the
// terminal (a client that never answers must not hold the session): the
// background is taken as dark unless COLORFGBG says it is white.
func newRenderer(sess ssh.Session, pty ssh.Pty) *lipgloss.Renderer {
	env := sshEnviron(append(sess.Environ(), "TERM="+pty.Term))
	r := lipgloss.NewRenderer(sess, termenv.WithEnvironment(env), termenv.WithUnsafe())
	r.SetColorProfile(r.Output().EnvColorProfile())
	r.SetHasDarkBackground(!lightBackground(env.Getenv("COLORFGBG")))
	return r
}

// lightBackground reads COLORFGBG ("fg;bg"): white backgrounds are 7 and 15.
func lightBackground(colorfgbg string) bool {
	i := strings.LastIndexByte(colorfgbg, ';')
	bg := colorfgbg[i+1:]
	return i >= 0 && (bg == "7" || bg == "15")
}

// sshEnviron is a session's environment as termenv reads it.
type sshEnviron []string

// Environ implements termenv.Environ.
func (e sshEnviron) Environ() []string { return e }

// Getenv implements termenv.Environ; the last assignment wins.
func (e sshEnviron) Getenv(k string) string {
	for i := len(e) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(e[i], k+"="); ok {
			return v
		}
	}
	return ""
}

// logStart logs a session's start.
func (s *Server) logStart(ss *session) {
	pty, _, _ := ss.sess.Pty()
	s.log.Info("connect", "user", ss.sess.User(), "remote", ss.sess.RemoteAddr().String(), "key", fingerprint(ss.sess.PublicKey()),
		"term", pty.Term, "width", pty.Window.Width, "height", pty.Window.Height, "command", ss.sess.RawCommand() != "")
}

// logEnd logs a session's end and why (a warning when it ended in error).
func (s *Server) logEnd(ss *session) {
	reason := ss.setReason(endClient)
	level := slog.LevelInfo
	if reason == endPanic || strings.HasPrefix(reason, endError) {
		level = slog.LevelWarn
	}
	s.log.Log(context.Background(), level, "disconnect", "user", ss.sess.User(), "remote", ss.sess.RemoteAddr().String(),
		"reason", reason, "duration", time.Since(ss.start).Round(time.Millisecond).String())
}

// fingerprint returns the key's SHA256 fingerprint, or "".
func fingerprint(k gossh.PublicKey) string {
	if k == nil {
		return ""
	}
	return gossh.FingerprintSHA256(k)
}
