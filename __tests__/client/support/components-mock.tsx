/**
 * Minimal DOM stand-ins for @tarojs/components. Wire with
 *   jest.mock('@tarojs/components', () => require('./support/components-mock'))
 * Taro events carry `detail`; the mocks pass the same shape to handlers.
 */
import type { ReactNode } from 'react'

type AnyProps = Record<string, unknown> & { children?: ReactNode; className?: string }

function domProps(props: AnyProps): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(props)) {
    if (k === 'className' || k === 'style' || k.startsWith('data-') || k === 'id') out[k] = v
  }
  return out
}

export function View(props: AnyProps) {
  return (
    <div {...domProps(props)} onClick={props.onClick as () => void}>
      {props.children}
    </div>
  )
}

export function Text(props: AnyProps) {
  return <span {...domProps(props)}>{props.children}</span>
}

export function Button(props: AnyProps) {
  return (
    <button type='button' {...domProps(props)} disabled={Boolean(props.disabled)} onClick={props.onClick as () => void}>
      {props.children}
    </button>
  )
}

/** The value, length limit, placeholder and Taro's event shape of an Input or a Textarea. */
function editableProps(props: AnyProps) {
  const onInput = props.onInput as ((e: { detail: { value: string } }) => void) | undefined
  const onBlur = props.onBlur as ((e: { detail: { value: string } }) => void) | undefined
  return {
    ...domProps(props),
    value: (props.value as string) ?? '',
    maxLength: props.maxlength as number | undefined,
    placeholder: props.placeholder as string | undefined,
    onChange: (e: { target: { value: string } }) => onInput?.({ detail: { value: e.target.value } }),
    onBlur: (e: { target: { value: string } }) => onBlur?.({ detail: { value: e.target.value } }),
  }
}

export function Input(props: AnyProps) {
  return <input {...editableProps(props)} data-type={props.type as string} />
}

export function Textarea(props: AnyProps) {
  return <textarea {...editableProps(props)} />
}
