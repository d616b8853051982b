package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"fisherscope/export"
)

// maxShardFile bounds one shard document read by merge.
const maxShardFile = 1 << 30

// setupMerge defines `fisherscope merge SHARD.json...`: --out.
func setupMerge(fs *flag.FlagSet) action {
	out := fs.String("out", "", "write the merged document to `FILE` instead of standard output")
	return func(_ context.Context, args []string, stdout, stderr io.Writer) error {
		if len(args) == 0 {
			return refused(fmt.Errorf("merge: name the shard files (written by run --shard i/n --format json)"))
		}
		docs := make([]export.Document, len(args))
		for i, path := range args {
			if err := readDoc(path, &docs[i]); err != nil {
				return refused(err)
			}
		}
		doc, err := export.Merge(docs)
		if err != nil {
			return refused(err)
		}
		write := func(w io.Writer) error { return export.WriteJSON(w, doc) }
		if *out == "" {
			return writeBuffered(stdout, write)
		}
		if err := writeFile(*out, write); err != nil {
			return fmt.Errorf("merge --out %s: %w", *out, err)
		}
		fmt.Fprintf(stderr, "wrote %s\n", *out)
		return nil
	}
}

// readDoc decodes one shard document.
func readDoc(path string, doc *export.Document) error {
	fh, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("merge: %w", err)
	}
	defer fh.Close()
	dec := json.NewDecoder(io.LimitReader(fh, maxShardFile))
	if err := dec.Decode(doc); err != nil {
		return fmt.Errorf("merge: %s: not a fisherscope JSON document (%v)", path, err)
	}
	return nil
}
