// Package serve serves the fisherscope explorer over SSH with wish: every
// session gets its own renderer (so colours follow the client's terminal),
// engine and parameters. Only public keys listed in an authorized_keys file
// are accepted; the host key lives in a state directory; sessions are limited
// in number, paused then closed when idle, and ended after a maximum time.
// Shutdown quits every program so that each client's terminal is restored.
package serve
