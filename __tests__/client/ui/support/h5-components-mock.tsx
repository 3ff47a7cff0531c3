/**
 * @tarojs/components as the H5 build renders them, for the shared-UI tests: like Taro's React
 * wrappers, string/number/boolean props become attributes of the element (camelCase dashed), so
 * role and aria-* reach the DOM; Input is a wrapper around an inner <input class="weui-input"> that
 * receives nativeProps. Wire with
 *   jest.mock('@tarojs/components', () => require('./support/h5-components-mock'))
 */
import { createElement, type ReactNode } from 'react'

type AnyProps = Record<string, unknown> & { children?: ReactNode }

function dash(name: string): string {
  return name.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)
}

function attrs(props: AnyProps): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(props)) {
    if (k === 'children' || k === 'nativeProps') continue
    if (k === 'className' || k === 'style' || k === 'id') out[k] = v
    else if (k.startsWith('on') && typeof v === 'function') out[k] = v
    else if (['string', 'number', 'boolean'].includes(typeof v)) out[dash(k)] = String(v)
  }
  return out
}

export function View(props: AnyProps) {
  return createElement('div', attrs(props), props.children)
}

export function Text(props: AnyProps) {
  return createElement('span', attrs(props), props.children)
}

/** Taro's H5 Button: a custom element that carries disabled="false" (what made every button look disabled). */
export function Button(props: AnyProps) {
  const { className, ...rest } = attrs(props)
  // React gives a custom element its class through the plain `class` attribute.
  return createElement('taro-button-core', { ...rest, class: className }, props.children)
}

/**
 * Taro's H5 Input and Textarea: a wrapper (the className and data-* attributes) around the real
 * element, <input class="weui-input"> or <textarea class="taro-textarea">, which receives nativeProps.
 */
function fieldElement(tag: 'input' | 'textarea', innerClass: string) {
  return function FieldElement(props: AnyProps) {
    const { onInput, onBlur, nativeProps, className, value, placeholder, maxlength } = props as AnyProps & {
      onInput?: (e: { detail: { value: string } }) => void
      onBlur?: (e: { detail: { value: string } }) => void
      nativeProps?: Record<string, unknown>
    }
    const host = attrs(Object.fromEntries(Object.entries({ className, ...props }).filter(([k]) => k === 'className' || k.startsWith('data-'))))
    return createElement(
      'div',
      host,
      createElement(tag, {
        className: innerClass,
        value: (value as string) ?? '',
        placeholder: placeholder as string | undefined,
        maxLength: maxlength as number | undefined,
        ...(nativeProps ?? {}),
        onChange: (e: { target: { value: string } }) => onInput?.({ detail: { value: e.target.value } }),
        onBlur: (e: { target: { value: string } }) => onBlur?.({ detail: { value: e.target.value } }),
      }),
    )
  }
}

export const Input = fieldElement('input', 'weui-input')
export const Textarea = fieldElement('textarea', 'taro-textarea')
