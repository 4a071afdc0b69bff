import { describe, expect, it } from 'vitest';
import { synthArguments } from '../../../local/cloud/synth-args';

const defaults = { defaultTarget: 'http://127.0.0.1:4000/deliveries' };

describe('synthArguments', () => {
  it('adds the local defaults to a bare npm start', () => {
    // Act
    const synth = synthArguments([], defaults);

    // Assess
    expect(synth.args).toEqual([
      'synth',
      '--quiet',
      '--no-notices',
      '-c',
      'defaultTarget=http://127.0.0.1:4000/deliveries',
      '-c',
      'allowLoopbackTargets=true',
      '-c',
      'partners=local',
    ]);
    expect(synth.outdir).toBe('cdk.out');
  });

  it('passes the user arguments through and adds only the defaults they did not set', () => {
    // Act
    const synth = synthArguments(['-c', 'targets.payments=http://127.0.0.1:9000/hook', '--context=partners=acme,globex', '-o', 'out'], defaults);

    // Assess
    expect(synth.args.slice(0, 7)).toEqual(['synth', '--quiet', '--no-notices', '-c', 'targets.payments=http://127.0.0.1:9000/hook', '--context=partners=acme,globex', '-o']);
    expect(synth.args).not.toContain('partners=local');
    expect(synth.context).toMatchObject({ partners: 'acme,globex', 'targets.payments': 'http://127.0.0.1:9000/hook', allowLoopbackTargets: 'true' });
    expect(synth.outdir).toBe('out');
  });

  it('keeps a default target the user chose', () => {
    // Act
    const synth = synthArguments(['-c', 'defaultTarget=https://hooks.example.com'], defaults);

    // Assess
    expect(synth.context.defaultTarget).toBe('https://hooks.example.com');
    expect(synth.args.filter((arg) => arg.startsWith('defaultTarget='))).toHaveLength(1);
  });
});
