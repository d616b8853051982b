// Package presets holds fisherscope's named scenarios: TOML files embedded
// in the binary (files/*.toml) and user files read from a path. Decoding is
// strict: an unknown key, a value of the wrong kind or out of range is an
// error naming the file, the line and the allowed values.
//
// A preset file has a description, a [params] table whose keys are the
// engine parameters (sim.KeyNames), and optionally a [sweep] table mapping
// parameter keys to lists of values: the preset then stands for the
// cartesian product of those values, run in order (first key slowest).
package presets
