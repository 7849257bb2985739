import { useId, type ReactNode } from 'react';
import { THEME_CHOICES, useThemeChoice, type ThemeChoice } from '../theme';

const LABELS: Record<ThemeChoice, string> = { system: 'System', light: 'Light', dark: 'Dark' };

/** Light, dark or the system's setting; remembered in this browser. */
export function ThemeToggle(): ReactNode {
  const id = useId();
  const [choice, setChoice] = useThemeChoice();
  return (
    <div className="theme-toggle">
      <label htmlFor={id}>Theme</label>
      <select id={id} value={choice} onChange={(e) => setChoice(e.target.value as ThemeChoice)}>
        {THEME_CHOICES.map((c) => (
          <option key={c} value={c}>
            {LABELS[c]}
          </option>
        ))}
      </select>
    </div>
  );
}
