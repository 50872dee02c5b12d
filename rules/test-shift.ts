import { defineRule } from '../src/core/engine/define-rule.js';
import { ref } from '../src/core/engine/messages.js';
import { num, pct } from '../src/core/engine/rule-helpers.js';

export default defineRule({
  meta: {
    id: 'test-shift',
    severity: 'warning',
    tags: ['generalisation', 'data'],
    seed: ['§S1', '§S2'],
    title: { en: 'Test loss much worse than validation', zh: '测试损失明显差于验证损失' },
    description: {
      en: 'Train and validation look fine, but the test loss ends at least 25% above the validation loss (or rises while validation falls). Test data comes from the deployment scenario, so its distribution differs from what the model was trained and validated on.',
      zh: '训练和验证看起来都正常，但测试损失最终比验证损失高出至少 25%（或验证下降时测试反而上升）。测试数据来自实际应用场景，其分布与训练和验证所用的数据不同。',
    },
    message: {
      en: '{{test}} ends at {{testEnd}}, {{excess}} above {{val}} ({{valEnd}}){{trendPart}}.',
      zh: '{{test}} 最终为 {{testEnd}}，比 {{val}}（{{valEnd}}）高出 {{excess}}{{trendPart}}。',
    },
    fragments: {
      'still-rising': { en: ', and is still rising', zh: '，并且仍在上升' },
    },
    causes: [
      { id: 'scenario-shift', seed: '§S1', text: { en: 'The deployment scenario differs from the training data (other speakers, devices, domains)', zh: '应用场景与训练数据不同（不同的说话人、设备、领域）' } },
      { id: 'real-world-noise', seed: '§S2', text: { en: 'Real-world noise the training data lacks (background noise, occlusion, blur, rotation, scale)', zh: '真实数据中有训练数据缺少的噪声（背景噪声、遮挡、模糊、旋转、尺度变化）' } },
    ],
    remedies: [
      { id: 'cover-scenario', seed: '§S1', text: { en: 'Add training data that covers the test scenario', zh: '加入覆盖测试场景的训练数据' } },
      { id: 'augment-noise', seed: '§S2', text: { en: 'Denoise the inputs, or add such noise and transformations as augmentation', zh: '对输入去噪，或把这类噪声和变换作为数据增强加入训练' } },
    ],
  },
  check(ctx) {
    const { val, test, train } = ctx;
    if (!val || !test || !train || ctx.verdict.heldOutRole !== 'val') return undefined;
    if (!['still-learning', 'converged'].includes(ctx.verdict.id)) return undefined;
    if (test.nFinite < 3 || val.nFinite < 3) return undefined;
    const excess = (test.endLevel - val.endLevel) / Math.abs(val.endLevel || 1);
    const diverges = test.tail.direction === 'rising' && val.tail.direction !== 'rising';
    if (excess < 0.25 && !diverges) return undefined;
    const trendPart = diverges ? ref('still-rising') : '';
    return {
      confidence: Math.min(1, 0.5 + excess),
      data: { test: test.name, testEnd: num(test.endLevel), val: val.name, valEnd: num(val.endLevel), excess: pct(excess), trendPart },
      evidence: { excess, testTail: test.tail, valTail: val.tail },
      series: [test.name, val.name],
    };
  },
});
