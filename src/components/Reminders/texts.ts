export const REMINDERS = ['每年需进行一次认证', '未认证将暂停发放', '认证通过后次月恢复并补发'] as const
