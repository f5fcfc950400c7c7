// Freeing engine objects in cleanups, shared by the host and its tabular handlers.

/** The message of a thrown value (wasm errors are `Error`s). */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Free an engine object in a cleanup. After a trap an object's borrow flag can stay set, and a
 * throwing `free()` inside a `finally` would replace the error the caller needs to see with
 * "attempted to take ownership of Rust value while it was borrowed": such a failure is only
 * reported on the console.
 */
export function release(x: { free(): void } | undefined): void {
  try {
    x?.free();
  } catch (err) {
    console.warn(`webgrad: an engine object could not be freed after an error (${messageOf(err)})`);
  }
}
