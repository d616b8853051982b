// Package serve serves the fisherscope explorer over SSH with wish: every
// session gets its own renderer (its colour profile from the client's TERM,
// never a terminal query), engine and parameters, and its engine stops when
// the session ends. Only public keys listed in an authorized_keys file are
// accepted, honouring from=, expiry-time= and no-pty and refusing lines with
// options it does not honour; the host key lives in a state directory with
// mode 0600. Before authentication a connection has a deadline and counts
// against caps on unauthenticated connections and on connections per source
// address. Sessions need a pty (non-interactive ones and commands are
// refused), are limited in number, have their window clamped to 500×200, are
// paused then closed when idle, and end after a maximum time. Shutdown and the
// time limit quit each program, restoring the client's terminal, and tell the
// client why, within 2 s.
package serve
