"""Writers of the real log formats, byte for byte as the libraries write them (see each function).
Values pass through float32 as they do in a real run (`tensor.item()` of a float32 tensor), and
wall times are a fixed clock so the output is the same on every run of the generator."""
import json
import math
import os
import struct
from dataclasses import replace

import tfrecord

WALL_START = 1733300000.0
STEP_SECONDS = 0.0137


# Formats that hold only the training loss as these writers use them (the mmengine validation lines
# carry accuracy, the TensorBoard CSV export is one tag).
TRAIN_ONLY = {'mmengine-jsonl', 'tb-export-csv', 'tb-export-csv-epoch'}


def logged_view(log, fmt):
    """The run as the format records it: without validation and test values for train-only formats,
    so the labels are decided on the numbers the file really holds."""
    if fmt not in TRAIN_ONLY:
        return log
    keep = ('epoch', 'loss', 'accuracy', 'lr')
    return replace(log, epochs=[{k: v for k, v in e.items() if k in keep} for e in log.epochs])


def f32(v):
    """What `tensor.item()` returns for a float32 tensor: the float32 value as a Python float."""
    if not math.isfinite(v):
        return v
    try:
        return struct.unpack('<f', struct.pack('<f', v))[0]
    except OverflowError:
        return math.copysign(math.inf, v)


def _wall(step):
    return round(WALL_START + step * STEP_SECONDS, 6)


def _csv_line(cells, terminator='\r\n'):
    # csv.writer with the excel dialect: nothing here needs quoting.
    return ','.join(cells) + terminator


def _num(v):
    return repr(f32(v)) if v is not None else ''


def keras_csv(log, path):
    """keras.callbacks.CSVLogger: `epoch` then the sorted log keys, 0-based epochs, CRLF rows."""
    keys = sorted(k for k in _keras_keys(log))
    lines = [_csv_line(['epoch'] + keys)]
    for e in log.epochs:
        row = _keras_row(e)
        lines.append(_csv_line([str(e['epoch'])] + [_num(row[k]) for k in keys]))
    _write(path, ''.join(lines))


def _keras_keys(log):
    return list(_keras_row(log.epochs[0]).keys())


def _keras_row(e):
    """The epoch logs Keras 3 collects: compiled metrics first, then val_*, then callbacks' keys."""
    row = {}
    if 'accuracy' in e:
        row['accuracy'] = e['accuracy']
    row['loss'] = e['loss']
    if 'val_accuracy' in e:
        row['val_accuracy'] = e['val_accuracy']
    if 'val_loss' in e:
        row['val_loss'] = e['val_loss']
    if 'test_loss' in e:  # a user callback that evaluates a test set writes logs['test_loss']
        row['test_loss'] = e['test_loss']
    row['learning_rate'] = e['lr']
    return row


def keras_history_json(log, path):
    """`json.dump(model.fit(...).history, f)`: one line, keys in logging order, no newline."""
    history = {}
    for e in log.epochs:
        for k, v in _keras_row(e).items():
            if k != 'learning_rate':
                history.setdefault(k, []).append(f32(v))
    _write(path, json.dumps(history))


def _keras_value(v):
    return f'{v:.4f}' if abs(v) > 1e-3 else f'{v:.4e}'  # Keras' progress bar; nan prints as 'nan'


def keras_stdout(log, path, style):
    """What `model.fit(verbose=...)` prints into a redirected file. style 'keras2': verbose=1's last
    progress-bar state (`16/16 [====…] - 0s 3ms/step - loss: … - val_loss: …`); 'keras3': verbose=2
    (`16/16 - 0s - 3ms/step - accuracy: … - loss: …`)."""
    lines = []
    total = len(log.epochs)
    n = log.steps_per_epoch
    for e in log.epochs:
        lines.append(f'Epoch {e["epoch"] + 1}/{total}\n')
        row = _keras_row(e)
        row.pop('learning_rate')
        ms = 3 + (e['epoch'] * 7) % 5
        if style == 'keras2':
            order = ['loss', 'accuracy', 'val_loss', 'val_accuracy', 'test_loss']
            metrics = ''.join(f' - {k}: {_keras_value(row[k])}' for k in order if k in row)
            lines.append(f'{n}/{n} [==============================] - 0s {ms}ms/step{metrics}\n')
        else:
            metrics = ''.join(f' - {k}: {_keras_value(v)}' for k, v in row.items())
            lines.append(f'{n}/{n} - 0s - {ms}ms/step{metrics}\n')
    _write(path, ''.join(lines))


def hf_trainer_state(log, path, logging_steps):
    """transformers.Trainer's trainer_state.json: `loss` is the mean over the logging window rounded
    to 4 digits, with grad_norm and learning_rate; one eval entry per epoch (eval_steps = steps per
    epoch), a test evaluation (metric_key_prefix='test') when the run has one, and the closing
    train summary. `json.dumps(indent=2, sort_keys=True)` plus a newline."""
    per_epoch = log.steps_per_epoch
    history = []
    window = []
    for s in log.steps:
        window.append(s['loss'])
        if s['step'] % logging_steps == 0:
            history.append({'epoch': s['epoch'], 'grad_norm': f32(s['grad_norm']), 'learning_rate': s['lr'],
                            'loss': round(sum(window) / len(window), 4), 'step': s['step']})
            window = []
        if s['step'] % per_epoch == 0:
            e = log.epochs[s['step'] // per_epoch - 1]
            for prefix, key in (('eval', 'val'), ('test', 'test')):
                if f'{key}_loss' in e:
                    entry = {'epoch': s['epoch'], f'{prefix}_loss': f32(e[f'{key}_loss']), 'step': s['step']}
                    if f'{key}_accuracy' in e:
                        entry[f'{prefix}_accuracy'] = e[f'{key}_accuracy']
                    entry.update({f'{prefix}_runtime': 0.0412, f'{prefix}_samples_per_second': 6213.507,
                                  f'{prefix}_steps_per_second': 97.087})
                    history.append(entry)
    total = len(log.steps)
    mean_loss = sum(s['loss'] for s in log.steps) / total
    history.append({'epoch': log.steps[-1]['epoch'], 'step': total, 'total_flos': 1234.0 * total, 'train_loss': mean_loss,
                    'train_runtime': round(total * STEP_SECONDS, 4), 'train_samples_per_second': 2335.766,
                    'train_steps_per_second': 72.993})
    state = {
        'best_global_step': None, 'best_metric': None, 'best_model_checkpoint': None,
        'epoch': log.steps[-1]['epoch'], 'eval_steps': per_epoch, 'global_step': total,
        'is_hyper_param_search': False, 'is_local_process_zero': True, 'is_world_process_zero': True,
        'log_history': history, 'logging_steps': logging_steps, 'max_steps': total, 'num_input_tokens_seen': 0,
        'num_train_epochs': len(log.epochs), 'save_steps': 500,
        'stateful_callbacks': {'TrainerControl': {'args': {'should_epoch_stop': False, 'should_evaluate': False,
                                                            'should_log': False, 'should_save': True,
                                                            'should_training_stop': True}, 'attributes': {}}},
        'total_flos': 1234.0 * total, 'train_batch_size': 32, 'trial_name': None, 'trial_params': None,
    }
    _write(path, json.dumps(state, indent=2, sort_keys=True) + '\n')


def lightning_csv(log, path, every):
    """lightning.pytorch.loggers.CSVLogger's metrics.csv: sparse rows with sorted columns, train rows
    every `log_every_n_steps` (step = batch index from 0), one validation row per epoch at the
    epoch's last step, LearningRateMonitor rows at each epoch start, CRLF rows."""
    lr_key = f'lr-{log.optimizer}'
    rows = []
    per_epoch = log.steps_per_epoch
    for s in log.steps:
        i = s['step'] - 1
        epoch = i // per_epoch
        if i % per_epoch == 0:
            rows.append({'step': i, lr_key: s['lr']})
        if s['step'] % every == 0:
            rows.append({'epoch': epoch, 'step': i, 'train_loss': s['loss']})
        if s['step'] % per_epoch == 0:
            e = log.epochs[epoch]
            row = {'epoch': epoch, 'step': i}
            for key in ('val_loss', 'val_accuracy', 'test_loss'):
                if key in e:
                    row[key.replace('accuracy', 'acc')] = e[key]
            if len(row) > 2:
                rows.append(row)
    keys = sorted({k for r in rows for k in r})
    lines = [_csv_line(keys)]
    for r in rows:
        lines.append(_csv_line([str(r[k]) if k in ('epoch', 'step') and k in r else _num(r.get(k)) for k in keys]))
    _write(path, ''.join(lines))


def tfevents(log, folder, every):
    """torch.utils.tensorboard.SummaryWriter in a run folder: `add_scalar('Loss/train', …)` per
    logged batch (with 'GradNorm' and 'LearningRate'), 'Loss/val', 'Loss/test' and 'Accuracy/*'
    once per epoch at the global step."""
    os.makedirs(folder, exist_ok=True)
    records = [tfrecord.record(tfrecord.file_version_event(WALL_START))]
    per_epoch = log.steps_per_epoch

    def add(tag, step, value):
        records.append(tfrecord.record(tfrecord.scalar_event(_wall(step), step, tag, f32(value))))

    for s in log.steps:
        if s['step'] % every == 0:
            add('Loss/train', s['step'], s['loss'])
            add('GradNorm', s['step'], s['grad_norm'])
            add('LearningRate', s['step'], s['lr'])
        if s['step'] % per_epoch == 0:
            e = log.epochs[s['step'] // per_epoch - 1]
            for key, tag in (('val_loss', 'Loss/val'), ('test_loss', 'Loss/test'), ('accuracy', 'Accuracy/train'),
                             ('val_accuracy', 'Accuracy/val')):
                if key in e:
                    add(tag, s['step'], e[key])
    name = f'events.out.tfevents.{int(WALL_START)}.bench-host.4242.0'
    with open(os.path.join(folder, name), 'wb') as f:
        f.write(b''.join(records))


def mmengine_jsonl(log, path, every):
    """mmengine's vis_data/scalars.json: a JSON line per logged iteration (step = global iteration,
    epoch 1-based, grad_norm as logged when gradient clipping is configured) and a
    validation line per epoch with the accuracy metric and step = epoch."""
    per_epoch = log.steps_per_epoch
    lines = []
    for s in log.steps:
        if s['step'] % every == 0:
            epoch = (s['step'] - 1) // per_epoch + 1
            lines.append({'lr': s['lr'], 'data_time': 0.0021, 'grad_norm': f32(s['grad_norm']), 'loss': f32(s['loss']),
                          'time': 0.0137, 'epoch': epoch, 'memory': 212, 'step': s['step']})
        if s['step'] % per_epoch == 0:
            e = log.epochs[s['step'] // per_epoch - 1]
            if 'val_accuracy' in e:
                lines.append({'accuracy/top1': round(100 * e['val_accuracy'], 4), 'data_time': 0.0018, 'time': 0.0094,
                              'step': s['step'] // per_epoch})
    _write(path, ''.join(json.dumps(l) + '\n' for l in lines))


def tb_export_csv(log, path, per_epoch):
    """TensorBoard's 'download CSV' of one tag (`csv.writer`, so CRLF rows): `Wall time,Step,Value`."""
    lines = [_csv_line(['Wall time', 'Step', 'Value'])]
    if per_epoch:
        points = [(e['epoch'], e['loss']) for e in log.epochs]
    else:
        points = [(s['step'], s['loss']) for s in log.steps]
    for step, value in points[-1000:]:
        lines.append(_csv_line([repr(_wall(step)), str(step), repr(f32(value))]))
    _write(path, ''.join(lines))


def _write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8', newline='') as f:
        f.write(text)
