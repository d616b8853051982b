// Package presets holds fisherscope's named scenarios: TOML files embedded
// in the binary (files/*.toml) and user files read from a path. Decoding is
// strict: an unknown key, a value of the wrong kind or out of range is an
// error naming the file, the line of the offending key and the allowed
// values.
//
// A preset file has a description, a [params] table whose keys are the
// engine parameters (sim.KeyNames), and optionally a [sweep] table mapping
// parameter keys to lists of values: the preset then stands for the
// cartesian product of those values, run in order (first key slowest).
//
// A value is a string, a number, a boolean, or (for a list parameter such as
// estimators) a list of them; a sweep value may itself be such a list.
// Values are passed to sim.Params.Set in their text form, so a string works
// wherever a number does. TOML integers are 64-bit signed: a seed of 2^63
// or more is given as a string (seed = "18446744073709551615").
//
// Limits: a file has at most MaxSize bytes, nests arrays, inline tables and
// dotted keys at most MaxDepth deep, and sweeps at most MaxRuns runs.
package presets
