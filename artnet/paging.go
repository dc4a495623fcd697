package artnet

import "iter"

// defaultPageSize is the page size of the All iterators when the options
// give no limit.
const defaultPageSize = 100

// paginate walks a list command page by page: size items a page (100 if
// 0), from offset on, until a page is shorter than size. A validation error
// (verr) or a failed page is yielded once, and the walk stops.
func paginate[T any](verr error, size, offset int, page func(limit, offset int) ([]T, error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if verr != nil {
			yield(zero, verr)
			return
		}
		if size <= 0 {
			size = defaultPageSize
		}
		for {
			items, err := page(size, offset)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			// A short page is the last one; a page longer than asked for
			// means the server ignores limit and sent everything.
			if len(items) != size {
				return
			}
			offset += len(items)
		}
	}
}
