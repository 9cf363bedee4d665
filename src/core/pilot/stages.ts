// 试点 (pilots): levels and the stage ladder 争取中 → 已获批 → 实施中 → 总结评估 → 经验形成. Pure.
// The office moves a pilot one step forward at a time; one step back needs a reason (a 批复 that
// was withdrawn, an evaluation sent back). Skipping steps is refused: the ledger must show when
// each stage was reached.
export const PILOT_LEVELS = ['国家级', '省级', '市级', '县级'] as const;
export type PilotLevel = (typeof PILOT_LEVELS)[number];

export const PILOT_STAGES = ['争取中', '已获批', '实施中', '总结评估', '经验形成'] as const;
export type PilotStage = (typeof PILOT_STAGES)[number];

export const isPilotLevel = (s: string): s is PilotLevel => (PILOT_LEVELS as readonly string[]).includes(s);
export const isPilotStage = (s: string): s is PilotStage => (PILOT_STAGES as readonly string[]).includes(s);

export type StageCheck = { ok: true } | { ok: false; reason: string };

export function checkStageChange(from: string, to: string, reason?: string | null): StageCheck {
  if (!isPilotStage(to)) return { ok: false, reason: `没有「${to}」这个阶段。试点阶段为：${PILOT_STAGES.join(' → ')}。` };
  if (!isPilotStage(from)) return { ok: false, reason: `试点当前阶段「${from}」无法识别，请联系改革办核对。` };
  const i = PILOT_STAGES.indexOf(from);
  const j = PILOT_STAGES.indexOf(to);
  if (i === j) return { ok: false, reason: `试点已处于「${to}」阶段。` };
  if (j === i + 1) return { ok: true };
  if (j === i - 1) {
    if (reason && reason.trim()) return { ok: true };
    return { ok: false, reason: `退回到「${to}」阶段须说明理由。` };
  }
  if (j > i) return { ok: false, reason: `试点须逐级推进：当前「${from}」，下一阶段是「${PILOT_STAGES[i + 1]}」，不能直接改为「${to}」。` };
  return { ok: false, reason: `只能退回上一阶段「${PILOT_STAGES[i - 1]}」。` };
}

export function nextStage(stage: string): PilotStage | null {
  const i = (PILOT_STAGES as readonly string[]).indexOf(stage);
  return i >= 0 && i < PILOT_STAGES.length - 1 ? PILOT_STAGES[i + 1]! : null;
}
