/** What a person does on a page under test: type into a Field, tap a control, and let the page settle. */
import { act, fireEvent, screen } from '@testing-library/react'

/** Lets the page's pending promises and timers of 0 ms run (`times` turns of the task queue). */
export const flush = async (times = 5): Promise<void> => {
  for (let i = 0; i < times; i++) await new Promise((r) => setTimeout(r, 0))
}

/** Types `value` into the Field named `name` and leaves it (its check runs on blur). */
export function typeInto(name: string, value: string): void {
  const input = screen.getByTestId(`input-${name}`)
  fireEvent.change(input, { target: { value } })
  fireEvent.blur(input)
}

/** Taps the control with this test id and waits for what the tap started. */
export async function tapAndSettle(testId: string): Promise<void> {
  await act(async () => {
    fireEvent.click(screen.getByTestId(testId))
    await flush()
  })
}
