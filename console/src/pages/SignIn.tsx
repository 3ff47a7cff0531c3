/**
 * 登录: password, then whatever the backend says comes next — the TOTP code, the first-time TOTP
 * enrolment (QR code and the secret as text), or a new password in place of the one-time one —
 * until it answers 'signedIn'.
 */
import { Alert, Button, Card, Form, Input, Space, Typography } from 'antd'
import { toDataURL } from 'qrcode'
import { useEffect, useState } from 'react'
import type { SignInAnswer } from '../../../src/core/contracts/agency/auth'
import { call, setCsrfToken, type ApiResult } from '../api/client'
import { currentPath, navigate } from '../router'
import { useSession } from '../session'

/** Back to the page the session ran out on (the URL stays while the sign-in page shows), else 概览. */
const afterSignIn = () => (currentPath() === '/login' ? '/' : currentPath())

export function SignIn() {
  const session = useSession()
  const [answer, setAnswer] = useState<SignInAnswer | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [password, setPassword] = useState('')

  useEffect(() => {
    // Signed in already (e.g. /login typed by hand): go to 概览.
    if (session.state === 'signed-in') navigate(afterSignIn(), { replace: true })
  }, [session.state])

  const step = async (run: () => Promise<ApiResult<SignInAnswer>>) => {
    setBusy(true)
    setError(null)
    const res = await run()
    setBusy(false)
    if (!res.ok) return setError(res.message)
    setCsrfToken(res.value.csrfToken)
    // Enrolment data is answered once: keep it while the user confirms with a code.
    setAnswer((prev) => (res.value.step === 'totpEnrolment' && !res.value.enrolment && prev?.enrolment ? { ...res.value, enrolment: prev.enrolment } : res.value))
    if (res.value.step === 'signedIn' && session.state !== 'signed-in') {
      if (session.state === 'signed-out') await session.refresh()
      navigate(afterSignIn(), { replace: true })
    }
  }

  const current = answer?.step ?? 'password'
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#eef2f7' }}>
      <Card style={{ width: current === 'totpEnrolment' ? 560 : 440 }} styles={{ body: { padding: 32 } }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          银龄认证 · 经办机构工作台
        </Typography.Title>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 16 }} data-testid="signin-error" />}
        {current === 'password' && (
          <Form layout="vertical" size="large" onFinish={(v: { username: string; password: string }) => {
            setPassword(v.password)
            void step(() => call('authSignIn', { input: { username: v.username, password: v.password } }))
          }}>
            <Form.Item label="用户名" name="username" rules={[{ required: true, message: '请填写用户名' }]}>
              <Input autoFocus autoComplete="username" data-testid="signin-username" />
            </Form.Item>
            <Form.Item label="密码" name="password" rules={[{ required: true, message: '请填写密码' }]}>
              <Input.Password autoComplete="current-password" data-testid="signin-password" />
            </Form.Item>
            <Button type="primary" htmlType="submit" block loading={busy}>
              登录
            </Button>
          </Form>
        )}
        {current === 'totpRequired' && (
          <TotpForm busy={busy} intro={`${answer!.user.displayName}，请打开手机上的验证器，输入“银龄认证”显示的 6 位动态码。`} onCode={(code) => void step(() => call('authTotp', { input: { code } }))} />
        )}
        {current === 'totpEnrolment' && answer && (
          <Enrolment answer={answer} busy={busy} onCode={(code) => void step(() => call('authTotp', { input: { code } }))} />
        )}
        {current === 'passwordChangeRequired' && (
          <ChangePassword busy={busy} knownCurrent={password} onSubmit={(currentPassword, newPassword) => void step(() => call('authChangePassword', { input: { currentPassword, newPassword } }))} />
        )}
        {current === 'signedIn' && <Typography.Paragraph>登录成功，正在进入工作台…</Typography.Paragraph>}
        {current !== 'password' && current !== 'signedIn' && (
          <Button type="link" style={{ paddingLeft: 0, marginTop: 8 }} onClick={() => {
            void call('authSignOut')
            setAnswer(null)
            setError(null)
          }}>
            换一个账号登录
          </Button>
        )}
      </Card>
    </div>
  )
}

function TotpForm({ intro, busy, onCode }: { intro: string; busy: boolean; onCode: (code: string) => void }) {
  return (
    <Form layout="vertical" size="large" onFinish={(v: { code: string }) => onCode(v.code.trim())}>
      <Typography.Paragraph>{intro}</Typography.Paragraph>
      <Form.Item label="动态码" name="code" rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: '请输入 6 位数字' }]}>
        <Input autoFocus inputMode="numeric" autoComplete="one-time-code" maxLength={8} data-testid="signin-totp" />
      </Form.Item>
      <Button type="primary" htmlType="submit" block loading={busy}>
        确认
      </Button>
    </Form>
  )
}

function Enrolment({ answer, busy, onCode }: { answer: SignInAnswer; busy: boolean; onCode: (code: string) => void }) {
  const [qr, setQr] = useState<string | null>(null)
  const enrolment = answer.enrolment
  useEffect(() => {
    if (enrolment) void toDataURL(enrolment.otpauthUri, { width: 200, margin: 1 }).then(setQr)
  }, [enrolment])
  if (!enrolment) return <Alert type="warning" showIcon message="绑定信息已失效，请点下面的“换一个账号登录”重新登录。" />
  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Alert type="info" showIcon message="首次登录需要绑定手机验证器" description="您的岗位需要第二重验证。请用手机上的验证器（如“身份验证器”类应用）扫描下面的二维码；扫不了时，手动输入下面的密钥。绑定后输入验证器显示的 6 位动态码。" />
      <div style={{ display: 'flex', gap: 24, alignItems: 'center' }}>
        {qr ? <img src={qr} width={200} height={200} alt="验证器绑定二维码" /> : <div style={{ width: 200, height: 200 }} />}
        <div>
          <Typography.Text className="yl-muted">密钥（手动输入用）</Typography.Text>
          <Typography.Paragraph copyable={{ text: enrolment.secret }} style={{ fontFamily: 'monospace', fontSize: 16, wordBreak: 'break-all' }} data-testid="totp-secret">
            {enrolment.secret.replace(/(.{4})/g, '$1 ').trim()}
          </Typography.Paragraph>
        </div>
      </div>
      <TotpForm busy={busy} intro="" onCode={onCode} />
    </Space>
  )
}

function ChangePassword({ knownCurrent, busy, onSubmit }: { knownCurrent: string; busy: boolean; onSubmit: (current: string, next: string) => void }) {
  return (
    <Form layout="vertical" size="large" initialValues={{ current: knownCurrent }} onFinish={(v: { current: string; next: string }) => onSubmit(v.current, v.next)}>
      <Alert type="info" showIcon message="您正在使用一次性密码，请设置自己的新密码后继续。" style={{ marginBottom: 16 }} />
      <Form.Item label="当前密码（一次性密码）" name="current" rules={[{ required: true, message: '请填写当前密码' }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item label="新密码" name="next" extra="至少 10 位，要同时有字母和数字，不能包含用户名" rules={[{ required: true, min: 10, message: '新密码至少 10 位' }]}>
        <Input.Password autoFocus autoComplete="new-password" data-testid="signin-new-password" />
      </Form.Item>
      <Form.Item
        label="再输入一次新密码"
        name="again"
        dependencies={['next']}
        rules={[{ required: true, message: '请再输入一次新密码' }, ({ getFieldValue }) => ({ validator: (_, value) => (value === getFieldValue('next') ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一样'))) })]}
      >
        <Input.Password autoComplete="new-password" data-testid="signin-new-password-again" />
      </Form.Item>
      <Button type="primary" htmlType="submit" block loading={busy}>
        保存新密码并继续
      </Button>
    </Form>
  )
}
