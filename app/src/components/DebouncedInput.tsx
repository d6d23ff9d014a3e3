// A text input that reports its value after the user pauses typing (or presses Enter),
// and follows the `value` prop when it changes from outside (back button, "clear filters").
import { useEffect, useRef, useState, type InputHTMLAttributes } from 'react';

export function DebouncedInput({ value, onCommit, delay = 300, ...rest }: {
  value: string;
  onCommit: (v: string) => void;
  delay?: number;
} & Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'>) {
  const [text, setText] = useState(value);
  const committed = useRef(value);
  // The latest callback, so a parent re-render does not restart the pause.
  const commit = useRef(onCommit);
  useEffect(() => {
    commit.current = onCommit;
  });

  useEffect(() => {
    if (value !== committed.current) {
      committed.current = value;
      setText(value);
    }
  }, [value]);

  useEffect(() => {
    if (text === committed.current) return;
    const id = window.setTimeout(() => {
      committed.current = text;
      commit.current(text);
    }, delay);
    return () => window.clearTimeout(id);
  }, [text, delay]);

  return (
    <input
      {...rest}
      value={text}
      onChange={(e) => setText(e.target.value)}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && text !== committed.current) {
          committed.current = text;
          commit.current(text);
        }
        rest.onKeyDown?.(e);
      }}
    />
  );
}
