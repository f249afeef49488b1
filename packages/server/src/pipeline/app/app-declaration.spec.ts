import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { EventHandler, SwitchyardModule } from '@switchyard/core';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { appDeclarationIn, AppModuleError } from './app-declaration.js';

const events = { 'greeting.sent': z.object({ name: z.string() }) };

@EventHandler({ name: 'greetings.record', on: 'greeting.sent', queue: 'greetings' })
class RecordGreeting {
  async handle(): Promise<void> {}
}

@Module({ providers: [RecordGreeting] })
class GreetingsModule {}

describe('appDeclarationIn', () => {
  it('finds the catalog an app declares, in its root module or deeper, as a class or a forRoot()', () => {
    const declaration = SwitchyardModule.forRoot({ events });
    @Module({ imports: [declaration, GreetingsModule] })
    class AppModule {}
    assert.equal(appDeclarationIn(AppModule).events, events);

    @Module({})
    class ConfiguredApp {
      static forRoot() {
        return { module: ConfiguredApp, imports: [{ module: GreetingsModule, imports: [declaration] }] };
      }
    }
    assert.equal(appDeclarationIn(ConfiguredApp.forRoot()).events, events);
  });

  it('says how to declare the catalog when the app does not', () => {
    @Module({ imports: [GreetingsModule] })
    class AppModule {}
    assert.throws(
      () => appDeclarationIn(AppModule),
      (error: Error) => error instanceof AppModuleError && /AppModule does not import SwitchyardModule\.forRoot\(\{ events \}\) from @switchyard\/core/.test(error.message),
    );
  });

  it('refuses two different declarations, and what is not a module', () => {
    @Module({ imports: [SwitchyardModule.forRoot({ events }), SwitchyardModule.forRoot({ events: {} })] })
    class AppModule {}
    assert.throws(() => appDeclarationIn(AppModule), /imports SwitchyardModule\.forRoot\(\) 2 times with different options/);
    assert.throws(() => appDeclarationIn({ imports: [] } as never), /must be a Nest module .*got an object with keys imports/);
  });
});
