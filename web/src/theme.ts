/**
 * Light or dark: the person's choice ("system", "light", "dark"), kept in this browser's localStorage; "system"
 * follows the operating system's setting (prefers-color-scheme) as it changes. The chosen theme is
 * `data-theme` on <html>, which styles.css reads.
 */

import { useEffect, useState } from 'react';

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

export const THEME_KEY = 'cloudtally.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

export function storedTheme(): ThemeChoice {
  try {
    const v = window.localStorage.getItem(THEME_KEY);
    return (THEME_CHOICES as readonly string[]).includes(v ?? '') ? (v as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

function systemDark(): boolean {
  return typeof window.matchMedia === 'function' && window.matchMedia(DARK_QUERY).matches;
}

/** Sets the theme the choice stands for on <html>. */
export function applyTheme(choice: ThemeChoice): void {
  const dark = choice === 'dark' || (choice === 'system' && systemDark());
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
}

/** At start: the stored choice, and a system change followed while the choice is "system". */
export function startTheme(): void {
  applyTheme(storedTheme());
  if (typeof window.matchMedia !== 'function') return;
  window.matchMedia(DARK_QUERY).addEventListener('change', () => applyTheme(storedTheme()));
}

/** The choice and a setter that applies and remembers it. */
export function useThemeChoice(): [ThemeChoice, (c: ThemeChoice) => void] {
  const [choice, setChoice] = useState<ThemeChoice>(storedTheme);
  useEffect(() => applyTheme(choice), [choice]);
  return [
    choice,
    (c) => {
      try {
        if (c === 'system') window.localStorage.removeItem(THEME_KEY);
        else window.localStorage.setItem(THEME_KEY, c);
      } catch {
        // Storage refused (private mode): the choice holds for this page only.
      }
      setChoice(c);
    },
  ];
}
